//! simba (placeholder)

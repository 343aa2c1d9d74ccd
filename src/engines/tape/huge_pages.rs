//! Huge pages for the tape's large buffers.
//!
//! A buffer past the per-thread pool's caps ([`super::pool`]) is fresh memory at
//! every call, and fresh memory is faulted in a page at a time: at a million
//! inputs a one-shot sparse Hessian touched some 120,000 pages of 4 KiB a call,
//! and the faults cost as much as the arithmetic. Advising the kernel to back a
//! large buffer with 2 MiB pages (Linux's `MADV_HUGEPAGE`: transparent huge pages
//! in `madvise` mode, the default of most distributions) makes that one fault per
//! 2 MiB. The advice changes which page size backs the memory, never its contents:
//! on another system, under Miri, or where the kernel declines, nothing changes.
//!
//! The one `unsafe` call here (`madvise`) is checked under AddressSanitizer:
//! `RUSTFLAGS=-Zsanitizer=address cargo +nightly test --lib --target
//! x86_64-unknown-linux-gnu -- huge_pages pool`.
//!
//! Growth goes through [`reserve`], [`try_reserve`], [`try_reserve_exact`],
//! [`room`], [`resize`], [`filled`] or [`push`], so a buffer is advised once per
//! reallocation, not per push.

/// The huge page size advised for (x86-64 and AArch64 with 4 KiB base pages).
const HUGE_PAGE: usize = 2 << 20;

/// The base page size the advised ranges are aligned to (x86-64's; where pages
/// are larger the kernel refuses a misaligned range, and nothing changes).
#[cfg(all(target_os = "linux", not(miri)))]
const PAGE: usize = 4096;

/// Buffers smaller than this are not advised: they are kept by the pool (no
/// faults after the first call) or too small to hold whole huge pages worth a
/// system call.
const ADVISED_FROM: usize = 4 * HUGE_PAGE;

/// Allocations from this size on are mapped on their own by the usual
/// allocators (glibc's largest threshold), so they grow in place (`mremap`) and
/// keep their advice; smaller ones are moved into a fresh, advised allocation
/// when they grow past [`ADVISED_FROM`], so the copy does not fault them in a
/// small page at a time.
const MAPPED_FROM: usize = 32 << 20;

/// `v.reserve(additional)` (amortized doubling) through [`grow`].
///
/// # Panics
/// As `Vec::reserve`, when the memory cannot be had.
#[inline]
pub(crate) fn reserve<T>(v: &mut Vec<T>, additional: usize) {
    if v.capacity() - v.len() < additional {
        reserve_more(v, additional);
    }
}

/// [`reserve`]'s growth, out of line (the callers' loops stay as they were).
#[cold]
#[inline(never)]
fn reserve_more<T>(v: &mut Vec<T>, additional: usize) {
    if !grow(v, additional, false) {
        // The allocator's own failure (capacity overflow or out of memory).
        v.reserve(additional);
    }
}

/// [`Vec::try_reserve`] (amortized) through [`grow`]: `false` when the memory
/// cannot be had.
#[inline]
pub(crate) fn try_reserve<T>(v: &mut Vec<T>, additional: usize) -> bool {
    v.capacity() - v.len() >= additional || grow(v, additional, false)
}

/// [`Vec::try_reserve_exact`] through [`grow`]: `false` when the memory cannot
/// be had.
#[inline]
pub(crate) fn try_reserve_exact<T>(v: &mut Vec<T>, additional: usize) -> bool {
    v.capacity() - v.len() >= additional || grow(v, additional, true)
}

/// Room for `len` elements in `v` through [`reserve`] (what it holds is
/// dropped when it must grow: for a buffer about to be overwritten).
pub(crate) fn room<T>(v: &mut Vec<T>, len: usize) {
    if v.capacity() < len {
        v.clear();
        reserve(v, len);
    }
}

/// `v.resize(len, value)`, growing through [`reserve`].
pub(crate) fn resize<T: Clone>(v: &mut Vec<T>, len: usize, value: T) {
    reserve(v, len.saturating_sub(v.len()));
    v.resize(len, value);
}

/// `vec![value; len]`, advised when large (then filled by [`resize`]: the
/// allocator's zeroed pages would be faulted in before the advice).
pub(crate) fn filled<T: Clone>(len: usize, value: T) -> Vec<T> {
    if len.saturating_mul(std::mem::size_of::<T>()) < ADVISED_FROM {
        return vec![value; len];
    }
    let mut v = Vec::new();
    resize(&mut v, len, value);
    v
}

/// `v.push(x)`, growing through [`reserve`] (doubling, as `push` does).
#[inline(always)]
pub(crate) fn push<T>(v: &mut Vec<T>, x: T) {
    if v.len() == v.capacity() {
        reserve_more(v, 1);
    }
    v.push(x);
}

/// Room for `additional` more in `v` (exactly, or at least doubling), the new
/// memory advised when large; `false`, `v` unchanged, when it cannot be had.
#[cold]
#[inline(never)]
fn grow<T>(v: &mut Vec<T>, additional: usize, exact: bool) -> bool {
    let size = std::mem::size_of::<T>().max(1);
    let Some(need) = v.len().checked_add(additional) else {
        return false;
    };
    let cap = if exact {
        need
    } else {
        need.max(v.capacity().saturating_mul(2)).max(8)
    };
    let small = v.capacity().saturating_mul(size) < MAPPED_FROM;
    if cap.saturating_mul(size) < ADVISED_FROM || !small {
        let ok = v.try_reserve_exact(cap - v.len()).is_ok();
        if ok {
            advise(v);
        }
        return ok;
    }
    let mut fresh = Vec::new();
    if fresh.try_reserve_exact(cap).is_err() {
        return false;
    }
    advise(&fresh);
    fresh.append(v);
    *v = fresh;
    true
}

/// Advises huge pages for the pages `v`'s capacity spans, when it holds at
/// least [`ADVISED_FROM`] bytes.
#[cfg_attr(not(all(target_os = "linux", not(miri))), allow(unused_variables))]
fn advise<T>(v: &Vec<T>) {
    let bytes = v.capacity() * std::mem::size_of::<T>();
    if bytes < ADVISED_FROM {
        return;
    }
    #[cfg(all(target_os = "linux", not(miri)))]
    {
        // The pages the buffer spans, whole: advice on part of a mapping would
        // split it, and the allocator's growth in place (`mremap`) refuses a range
        // over two mappings (it then copies).
        let start = v.as_ptr() as usize;
        let lo = start / PAGE * PAGE;
        let hi = (start + bytes).next_multiple_of(PAGE);
        // SAFETY: `[lo, hi)` is the pages `v`'s allocation spans (`lo <= start`,
        // `hi >= start + bytes`, its capacity in bytes), mapped memory of this
        // process while `v` lives. `MADV_HUGEPAGE` only tells the kernel which
        // page size to back the range with: no byte's value, no mapping and no
        // lifetime changes, so no Rust reference to that memory (ours or a
        // neighbour's on the same pages) is affected. The result is ignored:
        // refused advice (an old kernel, huge pages off) leaves the memory as it
        // was.
        unsafe {
            libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_keeps_the_contents_and_doubles() {
        let mut v: Vec<u64> = Vec::new();
        for k in 0..3_000_000u64 {
            if v.len() == v.capacity() {
                reserve(&mut v, 1);
            }
            v.push(k);
        }
        assert!(v.iter().enumerate().all(|(i, &x)| x == i as u64));
        assert!(v.capacity() * 8 >= ADVISED_FROM);
        assert!(v.capacity() < 2 * v.len() + 8);
        reserve(&mut v, 10);
        assert!(v.capacity() - v.len() >= 10);
        assert!(try_reserve_exact(&mut v, 5_000_000));
        assert!(v.capacity() - v.len() >= 5_000_000);
        assert!(!try_reserve_exact(&mut v, usize::MAX / 16));
        assert_eq!(v[2_999_999], 2_999_999);
    }

    /// The advice reaches the kernel: the mapping holding a grown buffer is
    /// marked for huge pages (`hg` in its `VmFlags`), where the kernel has them.
    #[cfg(all(target_os = "linux", not(miri)))]
    #[test]
    fn a_large_buffer_is_advised() {
        if !std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled").exists() {
            return; // a kernel without transparent huge pages: nothing to advise
        }
        let mut v: Vec<u8> = Vec::new();
        reserve(&mut v, 3 * ADVISED_FROM);
        let at = v.as_ptr() as usize;
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        let mut flags = None;
        for line in smaps.lines() {
            let range = line
                .split_whitespace()
                .next()
                .and_then(|r| r.split_once('-'));
            if let Some((lo, hi)) = range
                && let (Ok(lo), Ok(hi)) =
                    (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
            {
                inside = (lo..hi).contains(&at);
            } else if inside && let Some(f) = line.strip_prefix("VmFlags:") {
                flags = Some(f.to_string());
            }
        }
        let flags = flags.expect("the buffer's mapping is listed");
        assert!(flags.split_whitespace().any(|f| f == "hg"), "{flags}");
    }
}

//! `hyperhess::memory`: the limit on the buffers a thread keeps between calls,
//! what it keeps, and giving it back.
//!
//! One test: the limit is global, so the checks run in sequence in this binary
//! of their own (tests elsewhere never change it).

use hyperhess::memory;
use hyperhess::testfns::rosenbrock;

fn bits(h: &hyperhess::nalgebra_sparse::CscMatrix<f64>) -> Vec<u64> {
    h.values().iter().map(|v| v.to_bits()).collect()
}

#[test]
fn the_limit_bounds_what_a_thread_keeps_and_release_gives_it_back() {
    assert_eq!(memory::keep_limit(), memory::DEFAULT_KEEP_LIMIT);
    // 20,000 inputs: about 100,000 operations, a tape of over 2 MB.
    let x: Vec<f64> = (0..20_000).map(|i| (0.7 * i as f64).sin()).collect();
    let tape_bytes = hyperhess::record(|x| rosenbrock(x), &x)
        .unwrap()
        .tape_bytes();
    assert!(tape_bytes > 2 << 20, "{tape_bytes}");
    let reference = hyperhess::sparse_hessian(|x| rosenbrock(x), &x).unwrap();

    // Nothing kept: every buffer freed at the end of its call.
    memory::set_keep_limit(0);
    memory::release();
    let h = hyperhess::sparse_hessian(|x| rosenbrock(x), &x).unwrap();
    assert_eq!(memory::kept_bytes(), 0);
    assert_eq!(bits(&h), bits(&reference));

    // A limit of 1 MiB: no buffer over it kept (the tape's arrays are larger).
    memory::set_keep_limit(1 << 20);
    let h = hyperhess::sparse_hessian(|x| rosenbrock(x), &x).unwrap();
    let small = memory::kept_bytes();
    assert_eq!(bits(&h), bits(&reference));

    // No limit: the whole tape and the sweep's lists are kept, and reused (the
    // same bits at the next call, with no growth of what is kept).
    memory::set_keep_limit(usize::MAX);
    let h = hyperhess::sparse_hessian(|x| rosenbrock(x), &x).unwrap();
    let all = memory::kept_bytes();
    assert!(all >= tape_bytes + small, "{all} kept, {small} under 1 MiB");
    let h2 = hyperhess::sparse_hessian(|x| rosenbrock(x), &x).unwrap();
    assert_eq!(memory::kept_bytes(), all);
    assert_eq!(bits(&h), bits(&reference));
    assert_eq!(bits(&h2), bits(&reference));

    // Given back on request; kept again by the next call, at the default too.
    memory::release();
    assert_eq!(memory::kept_bytes(), 0);
    let _ = hyperhess::sparse_hessian(|x| rosenbrock(x), &x).unwrap();
    assert_eq!(memory::kept_bytes(), all);
    memory::set_keep_limit(memory::DEFAULT_KEEP_LIMIT);
    memory::release();
    let _ = hyperhess::sparse_hessian(|x| rosenbrock(x), &x).unwrap();
    // (At this size every buffer is under the default's 16 MiB: all kept.)
    let default = memory::kept_bytes();
    assert_eq!(default, all);

    // Other threads keep their own, under the same (global) limit.
    memory::set_keep_limit(0);
    let other = std::thread::spawn(move || {
        let _ = hyperhess::gradient(|x| rosenbrock(x), &[1.0, 2.0, 3.0]).unwrap();
        memory::kept_bytes()
    });
    assert_eq!(other.join().unwrap(), 0);
    assert_eq!(memory::kept_bytes(), default);
    memory::set_keep_limit(memory::DEFAULT_KEEP_LIMIT);
}

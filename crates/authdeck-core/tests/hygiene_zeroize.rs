//! Secrets are wiped before their memory goes back to the allocator.
//!
//! Sound to check: this test binary's global allocator looks at every block in `dealloc`,
//! while the block is still ours, for a marker byte string. A plain `String` holding the marker
//! is caught when freed (the detector works); a `Secret` or a `VaultDoc` holding it is not
//! (it was zeroized first).

use authdeck_core::Secret;
use authdeck_core::vault::VaultDoc;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

struct Watching;

/// The marker searched for, kept outside the heap so it is never freed itself.
static MARKER: [u8; 24] = *b"zeroize-marker-7f3a91c2e";
static ARMED: AtomicBool = AtomicBool::new(false);
static FREED_WITH_MARKER: AtomicUsize = AtomicUsize::new(0);
/// The tests share the counters: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) && layout.size() >= MARKER.len() {
            // SAFETY: the block is allocated, `layout.size()` bytes long and still ours until
            // it is handed back below; reading initialized-or-not bytes as u8 through a raw
            // slice of a live allocation is what allocators do.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(MARKER.len()).any(|w| w == MARKER) {
                FREED_WITH_MARKER.fetch_add(1, Ordering::SeqCst);
            }
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Watching = Watching;

/// A heap string holding the marker, built without a second heap copy.
fn marked(prefix: &str) -> String {
    let mut text = String::with_capacity(prefix.len() + MARKER.len());
    text.push_str(prefix);
    text.push_str(std::str::from_utf8(&MARKER).unwrap_or_default());
    text
}

/// How many freed blocks held the marker while `f` ran.
fn freed_with_marker(f: impl FnOnce()) -> usize {
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    FREED_WITH_MARKER.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    FREED_WITH_MARKER.load(Ordering::SeqCst)
}

#[test]
fn a_plain_string_is_caught_when_freed_so_the_detector_works() {
    let found = freed_with_marker(|| drop(std::hint::black_box(marked("plain-"))));
    assert_eq!(found, 1, "the freed String still held the marker");
}

#[test]
fn a_dropped_secret_leaves_nothing_in_freed_memory() {
    let found = freed_with_marker(|| {
        let secret = Secret::new(marked("token-"));
        let copy = secret.clone();
        assert!(std::hint::black_box(&copy).expose().ends_with("c2e"));
        drop(secret);
        drop(copy);
    });
    assert_eq!(
        found, 0,
        "a Secret (or its clone) was freed without being wiped"
    );
}

#[test]
fn a_dropped_vault_doc_leaves_nothing_in_freed_memory() {
    let found = freed_with_marker(|| {
        let doc = VaultDoc {
            scheme: None,
            totp_secret: None,
            id_token: None,
            client_secret: None,
            token: Some(Secret::new(marked("access-"))),
            refresh_token: Some(Secret::new(marked("refresh-"))),
            password: Some(Secret::from(marked("password-"))),
        };
        drop(std::hint::black_box(doc));
    });
    assert_eq!(
        found, 0,
        "a VaultDoc's secrets were freed without being wiped"
    );
}

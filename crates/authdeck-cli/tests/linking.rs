//! How `authdeck` is linked (build/link.rs): with packed relative relocations on Linux with
//! glibc, so the loader's work at each start stays small. Reads the built binary's ELF dynamic
//! section (System V ABI, ELF-64 object file format) without a tool.
#![cfg(all(
    target_os = "linux",
    target_env = "gnu",
    target_endian = "little",
    target_pointer_width = "64"
))]

/// The dynamic section's tags of a 64-bit little-endian ELF file.
fn dynamic_tags(elf: &[u8]) -> Vec<u64> {
    let u16_at = |at: usize| u16::from_le_bytes([elf[at], elf[at + 1]]) as usize;
    let u32_at = |at: usize| u32::from_le_bytes(elf[at..at + 4].try_into().expect("4 bytes"));
    let u64_at = |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().expect("8 bytes"));
    assert_eq!(&elf[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(elf[4], 2, "not a 64-bit ELF file");
    let (phoff, phentsize, phnum) = (u64_at(0x20) as usize, u16_at(0x36), u16_at(0x38));
    const PT_DYNAMIC: u32 = 2;
    let dynamic = (0..phnum)
        .map(|i| phoff + i * phentsize)
        .find(|&ph| u32_at(ph) == PT_DYNAMIC)
        .expect("a dynamically linked binary has a PT_DYNAMIC segment");
    let (offset, size) = (u64_at(dynamic + 8) as usize, u64_at(dynamic + 32) as usize);
    (offset..offset + size)
        .step_by(16)
        .map(u64_at)
        .take_while(|&tag| tag != 0)
        .collect()
}

#[test]
fn authdeck_is_linked_with_packed_relative_relocations() {
    const DT_RELR: u64 = 36;
    const DT_RELA: u64 = 7;
    const DT_RELASZ: u64 = 8;
    let elf = std::fs::read(env!("CARGO_BIN_EXE_authdeck")).expect("the built authdeck");
    let tags = dynamic_tags(&elf);
    assert!(
        tags.contains(&DT_RELA) && tags.contains(&DT_RELASZ),
        "the reader found no relocation table at all: {tags:?}"
    );
    assert!(
        tags.contains(&DT_RELR),
        "authdeck has no DT_RELR table: build/link.rs's -z pack-relative-relocs did not reach the linker ({tags:?})"
    );
}

//! What the CPU can do, beyond the feature flags `is_x86_feature_detected!` reads.

/// AVX-512 (F and VL) on units a full 512 bits wide: AMD Zen 5 (family 0x1A) and later. Zen 4
/// (0x19) runs each 512-bit operation as two 256-bit halves, so there the AVX2 kernels are as
/// fast; Intel's AVX-512 parts are not measured, so they keep the AVX2 / split kernels too.
pub(crate) fn avx512_full_width() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static FULL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *FULL.get_or_init(|| {
            std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vl") && amd_family() >= Some(0x1A)
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// The CPU family of an AMD processor (0x19: Zen 3 and 4, 0x1A: Zen 5), None on others.
#[cfg(target_arch = "x86_64")]
fn amd_family() -> Option<u32> {
    use std::arch::x86_64::__cpuid;
    // Leaves 0 and 1 exist on every x86-64 CPU.
    let (vendor, sig) = (__cpuid(0), __cpuid(1).eax);
    let amd = [vendor.ebx, vendor.edx, vendor.ecx] == [0x6874_7541, 0x6974_6E65, 0x444D_4163]; // "AuthenticAMD"
    let base = (sig >> 8) & 0xF;
    amd.then_some(if base == 0xF { base + ((sig >> 20) & 0xFF) } else { base })
}

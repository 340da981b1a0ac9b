//! Links the `layerlint` executable as position-dependent (non-PIE).
//!
//! A position-independent executable has ~18,000 relative relocations
//! (vtables, string tables) that the loader applies on every start,
//! writing to ~85 pages of `.data.rel.ro`. Fixed addresses remove them:
//! the start-up runs 23% fewer instructions and takes 73 fewer page
//! faults, which counts when an editor or a hook starts one process per
//! file. The image of the executable is then not randomised (libraries,
//! heap and stack still are), as with Go's default Linux builds.
//! Only the binaries are affected: tests, benches and proc-macros link as
//! before. A static build (`crt-static`, see `scripts/release-build.sh`)
//! gets its position-dependent link from `-C relocation-model=static`
//! instead: `-no-pie` added to rustc's static-PIE link would break it.

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    let static_crt = std::env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|f| f.split(',').any(|f| f == "crt-static"));
    if target.contains("linux") && !static_crt {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

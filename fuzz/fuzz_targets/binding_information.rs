//! cargo-fuzz target: see `sslbind_core::fuzzing::binding_information` for what it asserts.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sslbind_core::fuzzing::binding_information(data));

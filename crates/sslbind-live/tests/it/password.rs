//! The `.pfx` password: where it comes from (option, file, environment, in that order) and
//! that it never prints.

use std::ffi::OsStr;
use std::path::PathBuf;

use sslbind_live::{LoadError, Password, Sources, choose_password, read_password_file};

const SECRET: &str = "Tr0ub4dor&3-sentinel";

fn file(folder: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = folder.path().join(name);
    std::fs::write(&path, bytes).expect("the test file is written");
    path
}

#[test]
fn the_password_never_shows_in_debug_output() {
    let password = Password::new(SECRET);
    assert_eq!(format!("{password:?}"), "***");
    let sources = Sources { pfx_password: Some(password.clone()), ..Sources::default() };
    let debug = format!("{sources:?} {sources:#?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains("pfx_password: Some(***)"), "{debug}");
    // Near miss: the reader still gets it.
    assert_eq!(password.expose(), SECRET);
}

#[test]
fn a_password_file_gives_its_first_line_without_the_line_ending() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let cases: [(&str, &[u8], &str); 5] = [
        ("crlf.txt", b"p@ss word \r\nsecond line\r\n", "p@ss word "),
        ("lf.txt", b"p@ss\n", "p@ss"),
        ("bare.txt", b"p@ss", "p@ss"),
        ("empty.txt", b"", ""),
        ("bom.txt", b"\xEF\xBB\xBFp\xC3\xA4ss\r\n", "p\u{e4}ss"),
    ];
    for (name, bytes, expected) in cases {
        let password = read_password_file(&file(&folder, name, bytes)).expect("the file is read");
        assert_eq!(password.expose(), expected, "{name}");
    }
    // Windows PowerShell 5.1's `"pässword" > file` writes UTF-16 LE with a byte order mark.
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain("pässword\r\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let password = read_password_file(&file(&folder, "utf16.txt", &utf16)).expect("the file is read");
    assert_eq!(password.expose(), "pässword");
}

#[test]
fn the_option_wins_over_the_file_and_the_file_over_the_environment() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = file(&folder, "password.txt", b"from-file\n");
    let option = Password::new("from-option");
    let environment = Some(OsStr::new("from-environment"));
    let chosen = |option: Option<&Password>, file: Option<&std::path::Path>, environment: Option<&OsStr>| {
        choose_password(option, file, environment)
            .expect("a password")
            .map(|password| password.expose().to_owned())
    };
    assert_eq!(chosen(Some(&option), Some(&path), environment), Some("from-option".to_owned()));
    assert_eq!(chosen(None, Some(&path), environment), Some("from-file".to_owned()));
    assert_eq!(chosen(None, None, environment), Some("from-environment".to_owned()));
    assert_eq!(chosen(None, None, Some(OsStr::new(""))), None, "an empty variable is unset");
    assert_eq!(chosen(None, None, None), None);
}

#[test]
fn a_missing_password_file_is_an_error_with_its_path_and_no_secret() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let missing = folder.path().join("no-such-file.txt");
    let error = choose_password(None, Some(&missing), Some(OsStr::new(SECRET))).expect_err("no such file");
    assert!(matches!(error, LoadError::Io { ref path, .. } if *path == missing), "{error:?}");
    assert!(!format!("{error} {error:?}").contains(SECRET));
}

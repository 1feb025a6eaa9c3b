//! Where the configs of a live machine are, and what the registry says about the Central
//! Certificate Store, as pure functions over paths and bytes so that they are tested on any
//! platform.
//!
//! IIS keeps `applicationHost.config` in `%windir%\System32\inetsrv\config`, unless shared
//! configuration is on: then `redirection.config` in that folder names a share
//! (`<configurationRedirection enabled="true" path="\\server\share" />`) and the config is
//! read from there. IIS Express keeps one config per user in
//! `%USERPROFILE%\Documents\IISExpress\config`, and Visual Studio one per solution in
//! `<solution>\.vs\<name>\config` (older versions: `<solution>\.vs\config`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sslbind_core::Origin;
use sslbind_core::model::{CcsSettings, ServerFlavor};
use sslbind_core::text::{decode_utf16_units, utf16le_code_units};

/// The file name of the IIS and IIS Express configs.
pub const CONFIG_FILE_NAME: &str = "applicationHost.config";

/// `%windir%\System32\inetsrv\config`: where IIS keeps its configuration.
pub fn iis_config_folder(windir: &Path) -> PathBuf {
    windir.join("System32").join("inetsrv").join("config")
}

/// The shared-configuration setting of `redirection.config`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirection {
    /// `enabled="true"`.
    pub enabled: bool,
    /// The folder (usually a UNC share) that holds the shared `applicationHost.config`.
    pub path: String,
    /// `userName`, the account used to reach the share (its password is never read).
    pub user_name: Option<String>,
}

/// The `<configurationRedirection>` element of a `redirection.config`, if the file has one
/// outside comments. Attribute values are unescaped (`&amp;` and the other XML entities).
pub fn parse_redirection(text: &str) -> Option<Redirection> {
    let element = find_element(text, "configurationRedirection")?;
    let attribute = |name: &str| {
        element.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.clone())
    };
    let path = attribute("path").unwrap_or_default();
    Some(Redirection {
        enabled: attribute("enabled").is_some_and(|value| value.trim().eq_ignore_ascii_case("true")),
        path,
        user_name: attribute("userName").filter(|name| !name.is_empty()),
    })
}

/// Where IIS's `applicationHost.config` is read from, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IisConfigLocation {
    /// The config file.
    pub path: PathBuf,
    /// The redirection that sent sslbind there, when shared configuration is on.
    pub redirection: Option<Redirection>,
}

/// The IIS config to read, given `%windir%` and the text of `redirection.config` (if that file
/// exists): the shared one when redirection is enabled with a path, else the local one.
pub fn iis_config_location(windir: &Path, redirection_config: Option<&str>) -> IisConfigLocation {
    let local = iis_config_folder(windir).join(CONFIG_FILE_NAME);
    match redirection_config.and_then(parse_redirection) {
        Some(redirection) if redirection.enabled && !redirection.path.trim().is_empty() => {
            IisConfigLocation {
                path: PathBuf::from(redirection.path.trim()).join(CONFIG_FILE_NAME),
                redirection: Some(redirection),
            }
        }
        _ => IisConfigLocation { path: local, redirection: None },
    }
}

/// The IIS Express config of the user whose profile is `user_profile`
/// (`%USERPROFILE%\Documents\IISExpress\config\applicationhost.config`). A Documents folder
/// moved elsewhere (OneDrive) is not followed; pass such a config with `--config`.
pub fn iis_express_user_config(user_profile: &Path) -> PathBuf {
    user_profile.join("Documents").join("IISExpress").join("config").join("applicationhost.config")
}

/// The IIS Express configs Visual Studio keeps for the solution in `solution`:
/// `.vs\<name>\config\applicationhost.config` for every `<name>`, then the older
/// `.vs\config\applicationhost.config`, each if it exists. Names compare without case, as on
/// Windows. A solution without a `.vs` folder has none.
pub fn solution_configs(solution: &Path) -> io::Result<Vec<PathBuf>> {
    let vs = solution.join(".vs");
    if !vs.is_dir() {
        if solution.is_dir() {
            return Ok(Vec::new());
        }
        // Not a folder at all: say so with the operating system's words.
        fs::read_dir(solution)?;
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    let mut names: Vec<PathBuf> = fs::read_dir(&vs)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    names.sort();
    for folder in names {
        let is_config_folder = folder.file_name().is_some_and(|name| name.eq_ignore_ascii_case("config"));
        if is_config_folder {
            continue;
        }
        if let Some(config) = find_child(&child_ignoring_case(&folder, "config"), "applicationhost.config") {
            found.push(config);
        }
    }
    if let Some(config) = find_child(&child_ignoring_case(&vs, "config"), "applicationhost.config") {
        found.push(config);
    }
    Ok(found)
}

/// The child of `folder` named `name` without regard to case, or `folder/name` if none is.
fn child_ignoring_case(folder: &Path, name: &str) -> PathBuf {
    fs::read_dir(folder)
        .ok()
        .and_then(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .find(|path| path.file_name().is_some_and(|file| file.eq_ignore_ascii_case(name)))
        })
        .unwrap_or_else(|| folder.join(name))
}

/// The file in `folder` named `name` without regard to case, if it exists.
fn find_child(folder: &Path, name: &str) -> Option<PathBuf> {
    let path = child_ignoring_case(folder, name);
    path.is_file().then_some(path)
}

/// One config of the live machine with the server it configures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveConfig {
    /// The file.
    pub path: PathBuf,
    /// IIS or IIS Express.
    pub flavor: ServerFlavor,
    /// Whether a missing file is an error (the redirected IIS config, a solution's config)
    /// rather than a server that is not installed.
    pub required: bool,
}

/// The configs of a live machine, from `%windir%`, `%USERPROFILE%`, the text of
/// `redirection.config` and `--iis-express-solution`: IIS's (local or redirected), the user's
/// IIS Express config, and the solution's. Existence is checked by the caller.
pub fn live_configs(
    windir: &Path,
    redirection_config: Option<&str>,
    user_profile: Option<&Path>,
    solution_configs: &[PathBuf],
) -> Vec<LiveConfig> {
    let iis = iis_config_location(windir, redirection_config);
    let mut configs =
        vec![LiveConfig { path: iis.path, flavor: ServerFlavor::Iis, required: iis.redirection.is_some() }];
    if let Some(profile) = user_profile {
        configs.push(LiveConfig {
            path: iis_express_user_config(profile),
            flavor: ServerFlavor::IisExpress,
            required: false,
        });
    }
    configs.extend(solution_configs.iter().map(|path| LiveConfig {
        path: path.clone(),
        flavor: ServerFlavor::IisExpress,
        required: true,
    }));
    configs
}

// ---------------------------------------------------------------------------------------------
// Central Certificate Store settings.

/// `REG_SZ`.
pub const REG_SZ: u32 = 1;
/// `REG_EXPAND_SZ`.
pub const REG_EXPAND_SZ: u32 = 2;
/// `REG_DWORD`.
pub const REG_DWORD: u32 = 4;

/// One registry value as `RegQueryValueExW` returns it: its type and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawValue {
    /// The `REG_*` type.
    pub kind: u32,
    /// The data.
    pub bytes: Vec<u8>,
}

/// What the `CentralCertProvider` key holds, as read. The passwords are only known to be
/// present: their (encrypted) contents are never queried.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawCcsValues {
    /// `Enabled`.
    pub enabled: Option<RawValue>,
    /// `CertStoreLocation`.
    pub cert_store_location: Option<RawValue>,
    /// `UserName`.
    pub user_name: Option<RawValue>,
    /// `PollingInterval`.
    pub polling_interval: Option<RawValue>,
    /// Whether `Password` exists.
    pub password_present: bool,
    /// Whether `PrivateKeyPassword` exists.
    pub private_key_password_present: bool,
}

/// The model's settings from the raw values, as the registry reader makes them from a `.reg`
/// export: values of an unexpected type count as absent.
pub fn ccs_settings_from_raw(values: &RawCcsValues) -> CcsSettings {
    let dword = |value: &Option<RawValue>| value.as_ref().and_then(reg_dword);
    let string = |value: &Option<RawValue>| value.as_ref().and_then(reg_string);
    CcsSettings {
        enabled: dword(&values.enabled).is_some_and(|enabled| enabled != 0),
        folder: string(&values.cert_store_location),
        polling_interval: dword(&values.polling_interval),
        user_name: string(&values.user_name),
        password_set: values.password_present,
        private_key_password_set: values.private_key_password_present,
        origin: Origin::Live,
    }
}

/// A `REG_DWORD`'s number (little-endian, 4 bytes).
pub fn reg_dword(value: &RawValue) -> Option<u32> {
    let bytes = <[u8; 4]>::try_from(value.bytes.as_slice()).ok();
    (value.kind == REG_DWORD).then_some(bytes).flatten().map(u32::from_le_bytes)
}

/// A `REG_SZ` or `REG_EXPAND_SZ`'s text: UTF-16 LE up to the first NUL (the terminator may
/// be missing; an odd last byte is dropped).
pub fn reg_string(value: &RawValue) -> Option<String> {
    if value.kind != REG_SZ && value.kind != REG_EXPAND_SZ {
        return None;
    }
    let units = utf16le_code_units(&value.bytes);
    let length = units.iter().position(|unit| *unit == 0).unwrap_or(units.len());
    // Unpaired surrogates become U+FFFD: the value is still the best name there is, and the
    // settings it feeds carry no warnings.
    Some(decode_utf16_units(&units[..length]).0)
}

// ---------------------------------------------------------------------------------------------
// A small XML scanner: just enough to find one empty element's attributes outside comments.

/// The attributes of the first `<name …>` start tag outside comments, processing instructions
/// and CDATA sections.
fn find_element(text: &str, name: &str) -> Option<Vec<(String, String)>> {
    let mut rest = text;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start..];
        for (open, close) in [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<!", ">")] {
            if rest.starts_with(open) {
                let end = rest[open.len()..].find(close)? + open.len() + close.len();
                rest = &rest[end..];
                break;
            }
        }
        if !rest.starts_with('<') || rest.starts_with("<!") || rest.starts_with("<?") {
            continue;
        }
        if rest.starts_with("</") {
            rest = &rest[rest.find('>')? + 1..];
            continue;
        }
        let tag = &rest[1..];
        let name_end = tag.find(|c: char| c.is_whitespace() || c == '/' || c == '>').unwrap_or(tag.len());
        let (tag_name, after) = tag.split_at(name_end);
        let (attributes, consumed) = attributes(after)?;
        if tag_name == name {
            return Some(attributes);
        }
        rest = &after[consumed..];
    }
}

/// Attributes up to the end of a start tag, and how many bytes the tag's rest took.
fn attributes(text: &str) -> Option<(Vec<(String, String)>, usize)> {
    let mut found = Vec::new();
    let mut position = 0;
    loop {
        let rest = &text[position..];
        let trimmed = rest.trim_start();
        position += rest.len() - trimmed.len();
        if let Some(after) = trimmed.strip_prefix("/>").or_else(|| trimmed.strip_prefix('>')) {
            return Some((found, position + (trimmed.len() - after.len())));
        }
        let equals = trimmed.find('=')?;
        let name = trimmed[..equals].trim().to_owned();
        let value_part = trimmed[equals + 1..].trim_start();
        let quote = value_part.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value_end = value_part[1..].find(quote)? + 1;
        found.push((name, unescape(&value_part[1..value_end])));
        let consumed = trimmed.len() - value_part.len() + value_end + 1;
        position += consumed;
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let character = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|decimal| decimal.parse().ok()))
                .and_then(char::from_u32),
        };
        match character {
            Some(character) => {
                out.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDIRECTION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <configSections>
        <section name="configurationRedirection" />
    </configSections>
    <configProtectedData>
        <providers>
            <add name="IISRsaProvider" type="" description="Uses RsaCryptoServiceProvider" keyContainerName="iisConfigurationKey" cspProviderName="" useMachineContainer="true" useOAEP="false" />
        </providers>
    </configProtectedData>
    <!-- <configurationRedirection enabled="true" path="\\old\share" /> -->
    <configurationRedirection enabled="true" path="\\fs01\iis&amp;config" userName="CONTOSO\iisshare" password="[enc:IISRsaProvider:abc:enc]" />
</configuration>
"#;

    #[test]
    fn redirection_is_read_from_the_element_outside_comments() {
        let redirection = parse_redirection(REDIRECTION).expect("an element");
        assert!(redirection.enabled);
        assert_eq!(redirection.path, r"\\fs01\iis&config");
        assert_eq!(redirection.user_name.as_deref(), Some(r"CONTOSO\iisshare"));
    }

    #[test]
    fn disabled_or_missing_redirection_keeps_the_local_config() {
        let windir = Path::new("C:\\Windows");
        let local = iis_config_folder(windir).join(CONFIG_FILE_NAME);
        assert_eq!(iis_config_location(windir, None).path, local);
        let disabled =
            "<configuration><configurationRedirection enabled='false' path='\\\\x\\y' /></configuration>";
        assert_eq!(iis_config_location(windir, Some(disabled)).path, local);
        let empty_path =
            "<configuration><configurationRedirection enabled=\"true\" path=\"\" /></configuration>";
        assert_eq!(iis_config_location(windir, Some(empty_path)).path, local);
        let commented = "<configuration><!-- <configurationRedirection enabled=\"true\" path=\"\\\\x\" /> --></configuration>";
        assert_eq!(parse_redirection(commented), None);
        assert_eq!(parse_redirection("not xml < at all"), None);
        assert_eq!(parse_redirection("<configurationRedirection enabled=\"true"), None);
    }

    #[test]
    fn enabled_redirection_points_at_the_share() {
        let location = iis_config_location(Path::new("C:\\Windows"), Some(REDIRECTION));
        assert_eq!(location.path, PathBuf::from(r"\\fs01\iis&config").join(CONFIG_FILE_NAME));
        assert!(location.redirection.is_some());
        let configs = live_configs(Path::new("C:\\Windows"), Some(REDIRECTION), None, &[]);
        assert_eq!(configs.len(), 1);
        assert!(configs[0].required);
    }

    #[test]
    fn the_usual_places_are_listed_in_order() {
        let windir = Path::new("W");
        let profile = Path::new("U");
        let solution = vec![PathBuf::from("S/.vs/app/config/applicationhost.config")];
        let configs = live_configs(windir, None, Some(profile), &solution);
        let paths: Vec<&Path> = configs.iter().map(|config| config.path.as_path()).collect();
        assert_eq!(
            paths,
            [
                Path::new("W/System32/inetsrv/config/applicationHost.config"),
                Path::new("U/Documents/IISExpress/config/applicationhost.config"),
                Path::new("S/.vs/app/config/applicationhost.config"),
            ]
        );
        let flavors: Vec<ServerFlavor> = configs.iter().map(|config| config.flavor).collect();
        assert_eq!(flavors, [ServerFlavor::Iis, ServerFlavor::IisExpress, ServerFlavor::IisExpress]);
        assert_eq!(configs.iter().map(|config| config.required).collect::<Vec<_>>(), [false, false, true]);
    }

    #[test]
    fn solution_configs_are_found_in_both_layouts() {
        let solution = tempfile::tempdir().expect("a temporary folder");
        let root = solution.path();
        for relative in [
            ".vs/WebApp/config/applicationhost.config",
            ".vs/Other/config/ApplicationHost.config",
            ".vs/NoConfig/v17/.suo",
            ".vs/config/applicationhost.config",
        ] {
            let path = root.join(relative);
            fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
            fs::write(&path, "<configuration />").expect("a file");
        }
        let found = solution_configs(root).expect("lists");
        assert_eq!(
            found,
            [
                root.join(".vs/Other/config/ApplicationHost.config"),
                root.join(".vs/WebApp/config/applicationhost.config"),
                root.join(".vs/config/applicationhost.config"),
            ]
        );
    }

    #[test]
    fn a_solution_without_vs_folder_has_no_configs_and_a_missing_one_is_an_error() {
        let solution = tempfile::tempdir().expect("a temporary folder");
        assert_eq!(solution_configs(solution.path()).expect("lists"), Vec::<PathBuf>::new());
        assert!(solution_configs(&solution.path().join("missing")).is_err());
    }

    #[test]
    fn ccs_values_become_settings_without_passwords() {
        let wide = |text: &str| RawValue {
            kind: REG_SZ,
            bytes: text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect(),
        };
        let values = RawCcsValues {
            enabled: Some(RawValue { kind: REG_DWORD, bytes: 1u32.to_le_bytes().to_vec() }),
            cert_store_location: Some(wide(r"\\fs01\certs")),
            user_name: Some(wide(r"CONTOSO\ccs")),
            polling_interval: Some(RawValue { kind: REG_DWORD, bytes: 300u32.to_le_bytes().to_vec() }),
            password_present: true,
            private_key_password_present: false,
        };
        let settings = ccs_settings_from_raw(&values);
        assert!(settings.enabled);
        assert_eq!(settings.folder.as_deref(), Some(r"\\fs01\certs"));
        assert_eq!(settings.user_name.as_deref(), Some(r"CONTOSO\ccs"));
        assert_eq!(settings.polling_interval, Some(300));
        assert!(settings.password_set);
        assert!(!settings.private_key_password_set);
        assert_eq!(settings.origin, Origin::Live);

        let wrong_types = RawCcsValues {
            enabled: Some(wide("1")),
            polling_interval: Some(RawValue { kind: REG_DWORD, bytes: vec![1, 2] }),
            ..RawCcsValues::default()
        };
        let settings = ccs_settings_from_raw(&wrong_types);
        assert!(!settings.enabled);
        assert_eq!(settings.polling_interval, None);
        assert_eq!(reg_string(&RawValue { kind: REG_SZ, bytes: vec![b'a', 0, b'b'] }).as_deref(), Some("a"));
    }
}

//! Bounds-checked reads from a buffer HTTP.sys filled, whose pointers are relative to the
//! address it had then: every pointer is a number, checked against the buffer together with
//! everything it must cover before a byte of its target is read, so a malformed buffer is an
//! error, never a panic or an out-of-bounds read.

use std::mem::{offset_of, size_of};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use sslbind_core::model::{MappingKey, MappingKind};
use sslbind_core::text::{decode_utf16_units, utf16le_code_units};
use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCKADDR_IN, SOCKADDR_IN6};
use windows_sys::core::GUID;

use super::decode::DecodeError;
use super::layout::{KeyLayout, POINTER};

/// A buffer and the address its pointers are relative to.
pub(super) struct Reader<'b> {
    pub(super) buffer: &'b [u8],
    pub(super) base: usize,
}

impl<'b> Reader<'b> {
    pub(super) fn need(&self, what: &'static str, needed: usize) -> Result<(), DecodeError> {
        if self.buffer.len() < needed {
            return Err(DecodeError::TooShort { what, needed, available: self.buffer.len() });
        }
        Ok(())
    }

    pub(super) fn bytes<const N: usize>(&self, at: usize) -> Result<[u8; N], DecodeError> {
        at.checked_add(N)
            .and_then(|end| self.buffer.get(at..end))
            .and_then(|slice| <[u8; N]>::try_from(slice).ok())
            .ok_or(DecodeError::TooShort {
                what: "a field",
                needed: at.saturating_add(N),
                available: self.buffer.len(),
            })
    }

    pub(super) fn u16(&self, at: usize) -> Result<u16, DecodeError> {
        self.bytes::<2>(at).map(u16::from_le_bytes)
    }

    pub(super) fn u32(&self, at: usize) -> Result<u32, DecodeError> {
        self.bytes::<4>(at).map(u32::from_le_bytes)
    }

    pub(super) fn i32(&self, at: usize) -> Result<i32, DecodeError> {
        self.bytes::<4>(at).map(i32::from_le_bytes)
    }

    pub(super) fn u64(&self, at: usize) -> Result<u64, DecodeError> {
        self.bytes::<8>(at).map(u64::from_le_bytes)
    }

    /// A pointer field's value, as a number.
    pub(super) fn pointer(&self, at: usize) -> Result<usize, DecodeError> {
        self.bytes::<POINTER>(at).map(usize::from_le_bytes)
    }

    pub(super) fn guid(&self, at: usize) -> Result<GUID, DecodeError> {
        let bytes = self.bytes::<16>(at)?;
        let mut data4 = [0u8; 8];
        data4.copy_from_slice(&bytes[8..16]);
        Ok(GUID {
            data1: u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
            data2: u16::from_le_bytes([bytes[4], bytes[5]]),
            data3: u16::from_le_bytes([bytes[6], bytes[7]]),
            data4,
        })
    }

    /// The buffer offset `pointer` stands for, if `length` bytes from there lie inside.
    pub(super) fn target_offset(
        &self,
        pointer: usize,
        length: usize,
        field: &'static str,
    ) -> Result<usize, DecodeError> {
        let outside = || DecodeError::PointerOutside {
            field,
            pointer,
            length,
            base: self.base,
            buffer_length: self.buffer.len(),
        };
        let offset = pointer.checked_sub(self.base).ok_or_else(outside)?;
        let end = offset.checked_add(length).ok_or_else(outside)?;
        if end > self.buffer.len() || (length == 0 && offset >= self.buffer.len()) {
            return Err(outside());
        }
        Ok(offset)
    }

    /// The `length` bytes `pointer` points to, if they lie inside the buffer.
    pub(super) fn target(
        &self,
        pointer: usize,
        length: usize,
        field: &'static str,
    ) -> Result<&'b [u8], DecodeError> {
        let offset = self.target_offset(pointer, length, field)?;
        Ok(&self.buffer[offset..offset + length])
    }

    /// The UTF-16 string the pointer at `at` points to; `None` for a null pointer.
    pub(super) fn wide_string(
        &self,
        at: usize,
        field: &'static str,
        warnings: &mut Vec<String>,
    ) -> Result<Option<String>, DecodeError> {
        let pointer = self.pointer(at)?;
        if pointer == 0 {
            return Ok(None);
        }
        let start = self.target_offset(pointer, 0, field)?;
        let units = utf16le_code_units(&self.buffer[start..]);
        let Some(length) = units.iter().position(|unit| *unit == 0) else {
            return Err(DecodeError::MissingNul { field });
        };
        let (text, lossy) = decode_utf16_units(&units[..length]);
        if lossy {
            warnings
                .push(format!("`{field}` is not valid UTF-16; invalid code units were replaced with U+FFFD"));
        }
        Ok(Some(text))
    }

    /// A counted 8-bit string (`HTTP_UNKNOWN_HEADER`): the pointer at `at`, the `u16` length
    /// at `length_at`.
    pub(super) fn ansi(
        &self,
        at: usize,
        length_at: usize,
        field: &'static str,
    ) -> Result<String, DecodeError> {
        let pointer = self.pointer(at)?;
        let length = usize::from(self.u16(length_at)?);
        if length == 0 {
            return Ok(String::new());
        }
        if pointer == 0 {
            return Err(DecodeError::NullPointer { field });
        }
        Ok(String::from_utf8_lossy(self.target(pointer, length, field)?).into_owned())
    }

    /// The socket address at buffer offset `at`: a `SOCKADDR_IN` or `SOCKADDR_IN6` by its
    /// family, checked whole against the buffer's end.
    pub(super) fn socket_address(&self, at: usize, field: &'static str) -> Result<SocketAddr, DecodeError> {
        let family = self.u16(at + offset_of!(SOCKADDR_IN, sin_family))?;
        let port = u16::from_be_bytes(self.bytes::<2>(at + offset_of!(SOCKADDR_IN, sin_port))?);
        match family {
            AF_INET => {
                let needed = at.saturating_add(size_of::<SOCKADDR_IN>());
                self.need("a SOCKADDR_IN", needed)?;
                let address = Ipv4Addr::from(self.bytes::<4>(at + offset_of!(SOCKADDR_IN, sin_addr))?);
                Ok(SocketAddr::V4(SocketAddrV4::new(address, port)))
            }
            AF_INET6 => {
                self.need("a SOCKADDR_IN6", at.saturating_add(size_of::<SOCKADDR_IN6>()))?;
                let address = Ipv6Addr::from(self.bytes::<16>(at + offset_of!(SOCKADDR_IN6, sin6_addr))?);
                let scope = self.u32(at + offset_of!(SOCKADDR_IN6, Anonymous))?;
                // The flow label is not part of a record's identity (keys read from netsh or the
                // registry have none), so it is not kept.
                Ok(SocketAddr::V6(SocketAddrV6::new(address, port, 0, scope)))
            }
            family => Err(DecodeError::UnknownFamily { field, family }),
        }
    }

    pub(super) fn key(
        &self,
        kind: MappingKind,
        layout: KeyLayout,
        warnings: &mut Vec<String>,
    ) -> Result<MappingKey, DecodeError> {
        let address = match layout {
            KeyLayout::AddressPointer { pointer } => {
                let pointer = self.pointer(pointer)?;
                if pointer == 0 {
                    return Err(DecodeError::NullPointer { field: "pIpPort" });
                }
                // The family decides how long the address is; `socket_address` then checks the
                // whole structure against the buffer's end.
                let offset = self.target_offset(pointer, 4, "pIpPort")?;
                self.socket_address(offset, "pIpPort")?
            }
            KeyLayout::Storage { storage } | KeyLayout::StorageAndHost { storage, .. } => {
                self.socket_address(storage, "IpPort")?
            }
        };
        let host = match layout {
            KeyLayout::StorageAndHost { host, .. } => match self.wide_string(host, "Host", warnings)? {
                None => return Err(DecodeError::NullPointer { field: "Host" }),
                Some(host) if host.is_empty() => {
                    return Err(DecodeError::Invalid { field: "Host", reason: "empty".to_owned() });
                }
                Some(host) => Some(host),
            },
            _ => None,
        };
        let port = address.port();
        Ok(match (kind, host) {
            (MappingKind::Ip, _) => MappingKey::Ip(address),
            (MappingKind::Ccs, _) => MappingKey::Ccs { port },
            (MappingKind::Sni, Some(host)) => MappingKey::Sni { host: host.into(), port },
            (MappingKind::ScopedCcs, Some(host)) => MappingKey::ScopedCcs { host: host.into(), port },
            (MappingKind::Sni | MappingKind::ScopedCcs, None) => {
                return Err(DecodeError::NullPointer { field: "Host" });
            }
        })
    }
}

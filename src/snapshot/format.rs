//! The fixed 64-byte snapshot header: its layout, encoding and the checks that run on it
//! before a single payload byte is decoded (magic, header checksum, format version,
//! payload length against the file's length). Nothing here knows about bincode.

/// The first eight bytes of every kg snapshot. The high first byte catches 7-bit
/// transfers and the final `\n` catches newline conversion, as PNG's signature does.
pub const MAGIC: [u8; 8] = *b"\x89KGSNAP\n";

/// The payload format this kg writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// Length of the header in bytes; the payload starts right after it.
pub const HEADER_LEN: usize = 64;

/// Bytes of the header covered by the header checksum (everything but the checksum).
const HEADER_CRC_COVERS: usize = 60;

/// Longest kg version string the header holds (NUL padded).
const KG_VERSION_LEN: usize = 16;

/// The decoded header of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub format_version: u32,
    /// Reserved; zero in format version 1.
    pub flags: u32,
    /// The version of kg that wrote the file, e.g. `0.1.0`.
    pub kg_version: String,
    pub node_count: u64,
    pub rel_count: u64,
    pub payload_len: u64,
    pub payload_crc: u32,
}

/// Why a header was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    /// The file ends inside the magic bytes (they match so far) or inside the header.
    Truncated { found: usize },
    /// The file does not start with `MAGIC`.
    BadMagic,
    /// The stored header checksum does not match the header bytes.
    Checksum { expected: u32, found: u32 },
    /// A format version this kg cannot read.
    Version { found: u32, kg_version: String },
    /// Reserved bits set.
    Flags(u32),
}

impl Header {
    /// A header for the running kg.
    pub fn new(node_count: u64, rel_count: u64, payload_len: u64, payload_crc: u32) -> Header {
        Header {
            format_version: FORMAT_VERSION,
            flags: 0,
            kg_version: env!("CARGO_PKG_VERSION").to_string(),
            node_count,
            rel_count,
            payload_len,
            payload_crc,
        }
    }

    /// The 64 header bytes, little endian, ending with the CRC-32 of the first 60.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..8].copy_from_slice(&MAGIC);
        b[8..12].copy_from_slice(&self.format_version.to_le_bytes());
        b[12..16].copy_from_slice(&self.flags.to_le_bytes());
        let version = self.kg_version.as_bytes();
        let n = version.len().min(KG_VERSION_LEN);
        b[16..16 + n].copy_from_slice(&version[..n]);
        b[32..40].copy_from_slice(&self.node_count.to_le_bytes());
        b[40..48].copy_from_slice(&self.rel_count.to_le_bytes());
        b[48..56].copy_from_slice(&self.payload_len.to_le_bytes());
        b[56..60].copy_from_slice(&self.payload_crc.to_le_bytes());
        let crc = crc32fast::hash(&b[..HEADER_CRC_COVERS]);
        b[60..64].copy_from_slice(&crc.to_le_bytes());
        b
    }

    /// Parses and checks the first bytes of a file (`bytes` holds up to `HEADER_LEN` of
    /// them). The checks run in this order: magic, length, header checksum, flags,
    /// version; so a flipped bit in the header is reported as corruption, and only an
    /// intact header from a newer kg is reported as a version problem.
    pub fn parse(bytes: &[u8]) -> Result<Header, HeaderProblem> {
        let magic_part = bytes.len().min(MAGIC.len());
        if bytes[..magic_part] != MAGIC[..magic_part] {
            return Err(HeaderProblem::BadMagic);
        }
        if bytes.len() < HEADER_LEN {
            return Err(HeaderProblem::Truncated { found: bytes.len() });
        }
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        let stored = u32_at(60);
        let actual = crc32fast::hash(&bytes[..HEADER_CRC_COVERS]);
        if stored != actual {
            return Err(HeaderProblem::Checksum {
                expected: stored,
                found: actual,
            });
        }
        let version_bytes = &bytes[16..16 + KG_VERSION_LEN];
        let version_end = version_bytes
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(KG_VERSION_LEN);
        let kg_version = String::from_utf8_lossy(&version_bytes[..version_end]).into_owned();
        let format_version = u32_at(8);
        if format_version != FORMAT_VERSION {
            return Err(HeaderProblem::Version {
                found: format_version,
                kg_version,
            });
        }
        let flags = u32_at(12);
        if flags != 0 {
            return Err(HeaderProblem::Flags(flags));
        }
        Ok(Header {
            format_version,
            flags,
            kg_version,
            node_count: u64_at(32),
            rel_count: u64_at(40),
            payload_len: u64_at(48),
            payload_crc: u32_at(56),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let h = Header::new(3, 4, 500, 0xdead_beef);
        assert_eq!(Header::parse(&h.to_bytes()), Ok(h));
    }

    #[test]
    fn short_magic_prefix_is_truncation_and_other_bytes_are_not_a_snapshot() {
        assert_eq!(
            Header::parse(&MAGIC[..3]),
            Err(HeaderProblem::Truncated { found: 3 })
        );
        assert_eq!(Header::parse(b"CREATE (n)"), Err(HeaderProblem::BadMagic));
        assert_eq!(Header::parse(b"x"), Err(HeaderProblem::BadMagic));
    }

    #[test]
    fn a_flipped_version_bit_is_corruption_not_a_newer_version() {
        let mut b = Header::new(1, 1, 1, 1).to_bytes();
        b[9] ^= 1;
        assert!(matches!(
            Header::parse(&b),
            Err(HeaderProblem::Checksum { .. })
        ));
    }
}

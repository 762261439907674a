//! Reproducible gzip and zip: no timestamps, names or host bytes that change between runs or machines.
use std::io::{self, Cursor, Write};

use flate2::{Compression, GzBuilder};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// gzip with mtime 0, no file name, OS byte 255 ("unknown"), level 6.
pub fn gzip(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut enc = GzBuilder::new().mtime(0).operating_system(255).write(Vec::new(), Compression::new(6));
    enc.write_all(data)?;
    enc.finish()
}

/// A streaming gzip writer with the same fixed header (for large benchmark files).
pub fn gzip_writer<W: Write>(out: W, level: u32) -> flate2::write::GzEncoder<W> {
    GzBuilder::new().mtime(0).operating_system(255).write(out, Compression::new(level))
}

/// A zip archive holding one deflated entry, stamped with a fixed date.
pub fn zip_one(entry: &str, data: &[u8], stamp: (u16, u8, u8)) -> io::Result<Vec<u8>> {
    let when = DateTime::from_date_and_time(stamp.0, stamp.1, stamp.2, 0, 0, 0).map_err(io::Error::other)?;
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(when)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(entry, options).map_err(io::Error::other)?;
    zip.write_all(data)?;
    let cursor = zip.finish().map_err(io::Error::other)?;
    Ok(cursor.into_inner())
}

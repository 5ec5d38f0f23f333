//! The floor for connection-import throughput: a bare read of a CSV file
//! with the csv crate, counting records and touching every field, nothing
//! else. `cargo xtask bench-connections` runs it beside `waveplan import` on
//! the same file.

use std::io::BufReader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: csv_floor FILE")?;
    let file = BufReader::with_capacity(256 * 1024, std::fs::File::open(&path)?);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let mut record = csv::ByteRecord::new();
    let (mut records, mut bytes) = (0u64, 0u64);
    while reader.read_byte_record(&mut record)? {
        records += 1;
        bytes += record.iter().map(|field| field.len() as u64).sum::<u64>();
    }
    println!("{records} records, {bytes} bytes of fields");
    Ok(())
}

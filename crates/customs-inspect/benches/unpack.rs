//! Unpacking speed: `cargo bench -p customs-inspect --bench unpack`.
//!
//! A generated package of about 100 MB of source-like text (a few thousand files, mostly small,
//! some large, as in real npm and PyPI artifacts), written as a gzip-compressed tarball, an
//! uncompressed tar and a zip, then read with the default limits. Speed is in MB/s of file
//! content unpacked (1 MB = 10^6 bytes), the median of several runs on one core. Baselines in
//! the same run, on the same bytes: gzip alone (flate2's `MultiGzDecoder` read in 1 MiB
//! chunks and dropped, about the floor for any tarball reader), and the naive reader (the `tar` crate's entries over flate2,
//! each file read into a `Vec`, no checks).

#![expect(
    clippy::print_stdout,
    clippy::unwrap_used,
    reason = "a benchmark program: printing is its output, a panic its failure report"
)]

use std::hint::black_box;
use std::io::{Cursor, Read, Write as _};
use std::time::{Duration, Instant};

use customs_inspect::{ArchiveKind, Limits, read_archive, read_archive_from};

const TARGET_BYTES: usize = 100_000_000;
const RUNS: usize = 7;

/// A deterministic generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

const WORDS: &[&str] = &[
    "function",
    "return",
    "const",
    "let",
    "if",
    "else",
    "for",
    "while",
    "import",
    "export",
    "from",
    "class",
    "this",
    "new",
    "await",
    "async",
    "null",
    "undefined",
    "true",
    "false",
    "value",
    "result",
    "options",
    "config",
    "index",
    "length",
    "data",
    "error",
    "callback",
    "module",
    "require",
    "exports",
    "self",
    "def",
    "None",
    "pass",
    "yield",
    "lambda",
    "fn",
    "impl",
    "pub",
    "struct",
    "match",
    "Some",
    "Ok",
    "Err",
    "string",
    "number",
    "object",
];
const PUNCTUATION: &[&str] = &[
    "(", ")", " {\n", "}\n", ";\n", ", ", " = ", ".", "[", "]", " => ",
];

/// Source-like text: words, identifiers and punctuation, compressing about as code does.
fn text(rng: &mut XorShift, len: usize) -> Vec<u8> {
    let mut text = Vec::with_capacity(len + 32);
    while text.len() < len {
        match rng.below(10) {
            0..=5 => {
                text.extend_from_slice(WORDS[rng.below(WORDS.len() as u64) as usize].as_bytes())
            }
            6 => text.extend_from_slice(format!("name{}", rng.below(5000)).as_bytes()),
            7 => text.extend_from_slice(format!("{}", rng.below(100_000)).as_bytes()),
            _ => text.extend_from_slice(
                PUNCTUATION[rng.below(PUNCTUATION.len() as u64) as usize].as_bytes(),
            ),
        }
        text.push(b' ');
    }
    text.truncate(len);
    text
}

/// (path, contents): 80% of files up to 8 KiB, 18% up to 64 KiB, 2% up to 1 MiB.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let mut files = Vec::new();
    let mut total = 0;
    while total < TARGET_BYTES {
        let size = match rng.below(100) {
            0..=79 => 200 + rng.below(8 << 10),
            80..=97 => (8 << 10) + rng.below(56 << 10),
            _ => (64 << 10) + rng.below(960 << 10),
        } as usize;
        let path = format!("package/lib/dir{}/file{}.js", files.len() % 97, files.len());
        total += size;
        files.push((path, text(&mut rng, size)));
    }
    files
}

fn tar(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, path, data.as_slice())
            .unwrap();
    }
    builder.into_inner().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (path, data) in files {
        writer.start_file(path.as_str(), options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The median time of `run`, which returns the file bytes it unpacked.
fn time(expected: usize, mut run: impl FnMut() -> usize) -> Duration {
    let times = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let unpacked = black_box(run());
            let elapsed = started.elapsed();
            assert_eq!(unpacked, expected);
            elapsed
        })
        .collect();
    median(times)
}

fn report(name: &str, content: usize, elapsed: Duration, baseline: Option<Duration>) {
    let speed = content as f64 / 1e6 / elapsed.as_secs_f64();
    let ratio = baseline.map_or(String::new(), |baseline| {
        format!(
            "  ({:.2}x the time of the naive reader)",
            elapsed.as_secs_f64() / baseline.as_secs_f64()
        )
    });
    println!(
        "{name:<44} {:>8.1} ms {speed:>8.1} MB/s{ratio}",
        elapsed.as_secs_f64() * 1e3
    );
}

fn main() {
    let files = files();
    let content: usize = files.iter().map(|(_, data)| data.len()).sum();
    let tar = tar(&files);
    let tgz = gzip(&tar);
    let zip = zip(&files);
    println!(
        "{} files, {:.1} MB of content; tar {:.1} MB, tar.gz {:.1} MB, zip {:.1} MB",
        files.len(),
        content as f64 / 1e6,
        tar.len() as f64 / 1e6,
        tgz.len() as f64 / 1e6,
        zip.len() as f64 / 1e6,
    );
    let limits = Limits::default();
    let sum = |archive: customs_inspect::Archive| -> usize {
        archive.files.iter().map(|file| file.data.len()).sum()
    };

    let gunzip = time(tar.len(), || {
        let mut decoder = flate2::bufread::MultiGzDecoder::new(tgz.as_slice());
        let mut buffer = vec![0u8; 1 << 20];
        let mut total = 0;
        loop {
            match decoder.read(&mut buffer).unwrap() {
                0 => break total,
                read => total += read,
            }
        }
    });
    let naive = time(content, || {
        let mut archive = tar::Archive::new(flate2::bufread::GzDecoder::new(tgz.as_slice()));
        let mut total = 0;
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            total += data.len();
        }
        total
    });
    let ours = time(content, || {
        sum(read_archive(&tgz, ArchiveKind::TarGz, &limits).unwrap())
    });
    let streamed = time(content, || {
        sum(read_archive_from(Cursor::new(&tgz), ArchiveKind::TarGz, &limits).unwrap())
    });
    let plain = time(content, || {
        sum(read_archive(&tar, ArchiveKind::Tar, &limits).unwrap())
    });
    let zipped = time(content, || {
        sum(read_archive(&zip, ArchiveKind::Zip, &limits).unwrap())
    });

    println!("(MB/s of file content, median of {RUNS} runs)");
    report("gzip alone (flate2, 1 MiB reads)", content, gunzip, None);
    report(
        "naive tar.gz (tar crate + flate2, no checks)",
        content,
        naive,
        None,
    );
    report("read_archive, tar.gz", content, ours, Some(naive));
    report(
        "read_archive_from, tar.gz (streamed)",
        content,
        streamed,
        Some(naive),
    );
    report("read_archive, tar", content, plain, None);
    report("read_archive, zip", content, zipped, None);
}

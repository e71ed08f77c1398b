//! Counting and capping: the bytes consumed from the archive, the bytes unpacked from it, and
//! the ratio of the two, checked on every read.
//!
//! The readers of the `tar` and `flate2` crates see only `io::Error`s; a cap that trips
//! records why in the shared [`Meter`], so that the error the caller gets says which cap it
//! was rather than how the library reacted to the refusal.

use std::cell::Cell;
use std::io::{self, BufRead, Read};

use crate::error::{Location, Stream};
use crate::{ArchiveError, Limits};

/// Why reading stopped, when it was a cap or the source rather than the archive.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Trip {
    InputTooLarge,
    TooLarge,
    StreamRatio,
    /// Bytes after the last gzip member that are neither a member nor zero padding.
    TrailingCompressed {
        offset: u64,
    },
}

/// Counters shared by the layers of one archive's reader (one thread; hence `Cell`s).
pub(crate) struct Meter {
    limits: Limits,
    /// Bytes taken from the archive itself.
    consumed: Cell<u64>,
    /// Bytes unpacked.
    produced: Cell<u64>,
    /// (produced, consumed) when the current file's data began, while one is read.
    file_start: Cell<Option<(u64, u64)>>,
    /// The current file went over the ratio. Not an error: the bytes already unpacked are
    /// handed on (the tar reader must see every byte to stay aligned), and the reader of the
    /// file stops and skips it.
    file_over_ratio: Cell<bool>,
    /// The unpacked stream ended while more was asked for.
    ended: Cell<bool>,
    tripped: Cell<Option<Trip>>,
    /// An error of the source itself (streaming input), kept for the caller.
    source_error: Cell<Option<io::Error>>,
}

impl Meter {
    pub(crate) fn new(limits: &Limits) -> Self {
        Meter {
            limits: *limits,
            consumed: Cell::new(0),
            produced: Cell::new(0),
            file_start: Cell::new(None),
            file_over_ratio: Cell::new(false),
            ended: Cell::new(false),
            tripped: Cell::new(None),
            source_error: Cell::new(None),
        }
    }

    pub(crate) fn consumed(&self) -> u64 {
        self.consumed.get()
    }

    pub(crate) fn produced(&self) -> u64 {
        self.produced.get()
    }

    /// The next unpacked bytes are a file's data: its own ratio is checked too.
    pub(crate) fn start_file(&self) {
        self.file_start
            .set(Some((self.produced.get(), self.consumed.get())));
        self.file_over_ratio.set(false);
    }

    /// Whether the file went over the ratio.
    pub(crate) fn end_file(&self) -> bool {
        self.file_start.set(None);
        self.file_over_ratio.replace(false)
    }

    pub(crate) fn file_over_ratio(&self) -> bool {
        self.file_over_ratio.get()
    }

    pub(crate) fn trip(&self, trip: Trip) -> io::Error {
        if self.tripped.get().is_none() {
            self.tripped.set(Some(trip));
        }
        io::Error::other("a limit of the archive reader was reached")
    }

    /// The error for `error`, met while reading `at`: the cap or source failure behind it if
    /// there was one, else truncation or corruption.
    pub(crate) fn failure(&self, error: io::Error, at: Location) -> ArchiveError {
        if let Some(source) = self.source_error.take() {
            return ArchiveError::Read(source);
        }
        match self.tripped.get() {
            Some(Trip::InputTooLarge) => ArchiveError::InputTooLarge {
                limit: self.limits.max_input_bytes,
            },
            Some(Trip::TooLarge) => ArchiveError::TooLarge {
                limit: self.limits.max_total_bytes,
            },
            Some(Trip::StreamRatio) => ArchiveError::RatioExceeded {
                at: Location::Archive,
                limit: self.limits.max_ratio,
            },
            Some(Trip::TrailingCompressed { offset }) => ArchiveError::TrailingData {
                offset,
                stream: Stream::Compressed,
            },
            None if self.ended.get() || error.kind() == io::ErrorKind::UnexpectedEof => {
                ArchiveError::Truncated { at }
            }
            None => ArchiveError::Corrupt { at, source: error },
        }
    }

    /// Beyond the exemption, more than `max_ratio` unpacked bytes per consumed byte.
    fn over_ratio(&self, produced: u64, consumed: u64) -> bool {
        produced > self.limits.ratio_exempt_bytes
            && produced > consumed.saturating_mul(self.limits.max_ratio)
    }
}

/// The archive's bytes, counted as they are consumed and capped at
/// [`Limits::max_input_bytes`].
pub(crate) struct Input<'m, R> {
    inner: R,
    meter: &'m Meter,
}

impl<'m, R: BufRead> Input<'m, R> {
    pub(crate) fn new(inner: R, meter: &'m Meter) -> Self {
        Input { inner, meter }
    }
}

impl<R: BufRead> BufRead for Input<'_, R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let meter = self.meter;
        let allowed = meter
            .limits
            .max_input_bytes
            .saturating_sub(meter.consumed.get());
        let buffer = match self.inner.fill_buf() {
            Ok(buffer) => buffer,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => return Err(error),
            Err(error) => {
                let kind = error.kind();
                meter.source_error.set(Some(error));
                return Err(io::Error::new(kind, "the archive could not be read"));
            }
        };
        if buffer.len() as u64 <= allowed {
            return Ok(buffer);
        }
        if allowed == 0 {
            return Err(meter.trip(Trip::InputTooLarge));
        }
        // `allowed` is below `buffer.len()`, so it fits in a usize.
        let end = usize::try_from(allowed).unwrap_or(buffer.len());
        Ok(buffer.get(..end).unwrap_or(buffer))
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
        self.meter
            .consumed
            .set(self.meter.consumed.get().saturating_add(amount as u64));
    }
}

impl<R: BufRead> Read for Input<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(buffer.len());
        if let (Some(to), Some(from)) = (buffer.get_mut(..count), available.get(..count)) {
            to.copy_from_slice(from);
        }
        self.consume(count);
        Ok(count)
    }
}

/// The unpacked bytes, counted and capped at [`Limits::max_total_bytes`], their ratio to the
/// consumed bytes checked (the stream's, and the current file's) on every read.
pub(crate) struct Output<'m, R> {
    inner: R,
    meter: &'m Meter,
}

impl<'m, R: Read> Output<'m, R> {
    pub(crate) fn new(inner: R, meter: &'m Meter) -> Self {
        Output { inner, meter }
    }
}

impl<R: Read> Read for Output<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        let meter = self.meter;
        let limits = &meter.limits;
        // One byte more than allowed may be read, to tell "exactly at the cap" from "over it".
        let allowed = limits
            .max_total_bytes
            .saturating_sub(meter.produced.get())
            .saturating_add(1);
        let end =
            usize::try_from(allowed).map_or(buffer.len(), |allowed| allowed.min(buffer.len()));
        let count = self.inner.read(buffer.get_mut(..end).unwrap_or_default())?;
        if count == 0 {
            meter.ended.set(true);
            return Ok(0);
        }
        let produced = meter.produced.get().saturating_add(count as u64);
        meter.produced.set(produced);
        if produced > limits.max_total_bytes {
            return Err(meter.trip(Trip::TooLarge));
        }
        let consumed = meter.consumed.get();
        if meter.over_ratio(produced, consumed) {
            return Err(meter.trip(Trip::StreamRatio));
        }
        if let Some((produced_before, consumed_before)) = meter.file_start.get()
            && meter.over_ratio(
                produced.saturating_sub(produced_before),
                consumed.saturating_sub(consumed_before),
            )
        {
            meter.file_over_ratio.set(true);
        }
        Ok(count)
    }
}

/// The first read of a file's data allocates at most this much; larger files grow by
/// doubling, never past the size declared, so a header that lies costs at most twice the
/// bytes actually there.
const FIRST_ALLOCATION: usize = 1024 * 1024;

/// Exactly `size` bytes of `reader` (a declared size, already checked against the caps), in
/// one allocation when the file is small and the declared size true; an early end is an
/// `UnexpectedEof` error. `None` when `stop` says so after a read.
pub(crate) fn read_exact_bounded(
    reader: &mut impl Read,
    size: u64,
    stop: impl Fn() -> bool,
) -> io::Result<Option<Vec<u8>>> {
    let size = usize::try_from(size)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a size beyond memory"))?;
    let mut data = Vec::new();
    data.try_reserve_exact(size.min(FIRST_ALLOCATION))
        .map_err(io::Error::other)?;
    let mut filled = 0;
    while filled < size {
        if filled == data.len() {
            let grow = (size - filled).min(filled.max(FIRST_ALLOCATION));
            data.try_reserve_exact(grow).map_err(io::Error::other)?;
            data.resize(filled + grow, 0);
        }
        let Some(spare) = data.get_mut(filled..) else {
            break;
        };
        match reader.read(spare) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the data ends before its declared size",
                ));
            }
            Ok(count) => {
                filled += count;
                if stop() {
                    return Ok(None);
                }
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    data.truncate(filled);
    Ok(Some(data))
}

/// [`read_exact_bounded`] without a stop.
pub(crate) fn read_exact(reader: &mut impl Read, size: u64) -> io::Result<Vec<u8>> {
    read_exact_bounded(reader, size, || false).map(Option::unwrap_or_default)
}

/// Reads `reader` to its end, refusing any byte that is not zero (tar's end-of-archive blocks
/// and record padding are zeros).
pub(crate) fn drain_zeros(reader: &mut impl Read, meter: &Meter) -> Result<(), ArchiveError> {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let before = meter.produced();
        let count = match reader.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(count) => count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(meter.failure(error, Location::Archive)),
        };
        if let Some(at) = buffer
            .get(..count)
            .and_then(|read| read.iter().position(|byte| *byte != 0))
        {
            return Err(ArchiveError::TrailingData {
                offset: before + at as u64,
                stream: Stream::Unpacked,
            });
        }
    }
}

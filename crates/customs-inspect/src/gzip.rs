//! A gzip stream of one or more members, as `gzip -d`, Node's zlib and Python's `gzip` read
//! it: members are concatenated, zero bytes after the last are padding, anything else after
//! it is refused (Node ignores such bytes while Python fails on them, so they can only be a
//! way to show tools different things).

use std::io::{self, BufRead, Read};

use flate2::bufread::GzDecoder;

use crate::meter::{Meter, Trip};

const MAGIC: u8 = 0x1f;

pub(crate) struct Members<'m, R> {
    /// The current member; `None` once the stream has ended.
    decoder: Option<GzDecoder<R>>,
    meter: &'m Meter,
}

impl<'m, R: BufRead> Members<'m, R> {
    pub(crate) fn new(input: R, meter: &'m Meter) -> Self {
        Members {
            decoder: Some(GzDecoder::new(input)),
            meter,
        }
    }

    /// After a member: whether another one follows (zero padding is read and dropped).
    fn another_member(&self, input: &mut R) -> io::Result<bool> {
        loop {
            let available = input.fill_buf()?;
            let Some(first) = available.first() else {
                return Ok(false);
            };
            if *first == MAGIC {
                return Ok(true);
            }
            if *first != 0 {
                return Err(self.meter.trip(Trip::TrailingCompressed {
                    offset: self.meter.consumed(),
                }));
            }
            let zeros = available
                .iter()
                .position(|byte| *byte != 0)
                .unwrap_or(available.len());
            input.consume(zeros);
        }
    }
}

impl<R: BufRead> Read for Members<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(decoder) = self.decoder.as_mut() else {
                return Ok(0);
            };
            let count = decoder.read(buffer)?;
            if count > 0 || buffer.is_empty() {
                return Ok(count);
            }
            // The member ended, its checksum and length checked by the decoder.
            let Some(decoder) = self.decoder.take() else {
                return Ok(0);
            };
            let mut input = decoder.into_inner();
            if self.another_member(&mut input)? {
                self.decoder = Some(GzDecoder::new(input));
            }
        }
    }
}

//! CRLF line endings turned into LF before the CSV parser sees them.
//!
//! The CSV parser places a record that follows a CRLF on the line before it (it counts lines by
//! the `\n` it has consumed, and stops a record at the `\r`), so every row of a file saved on
//! Windows would be reported one line early. Without the `\r` the count is right, and nothing
//! else changes: CSV treats both endings alike, and a lone `\r` is passed on as it is.
//!
//! It also tells how much it passed on and what the last byte was, which the CSV reader needs to
//! place a record that ends the file (see `from_csv`).

use std::io::{self, Read};

/// How much is read from the source at a time.
const CHUNK: usize = 8 * 1024;

pub(crate) struct LfOnly<R: Read> {
    inner: R,
    buffer: Box<[u8]>,
    /// `buffer[start..end]` is read and not yet passed on.
    start: usize,
    end: usize,
    /// A `\r` was read last and is held until the next byte shows whether it ends a line.
    held_cr: bool,
    /// How many bytes were passed on.
    passed: u64,
    /// The last byte passed on.
    last: Option<u8>,
    /// Whether the source has nothing more.
    ended: bool,
}

impl<R: Read> LfOnly<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            buffer: vec![0; CHUNK].into_boxed_slice(),
            start: 0,
            end: 0,
            held_cr: false,
            passed: 0,
            last: None,
            ended: false,
        }
    }

    /// Whether everything was passed on, and how many bytes that was; `None` before the end.
    pub(crate) fn passed_all(&self) -> Option<u64> {
        self.ended.then_some(self.passed)
    }

    /// The last byte passed on.
    pub(crate) fn last(&self) -> Option<u8> {
        self.last
    }
}

impl<R: Read> Read for LfOnly<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let written = self.pass_on(out)?;
        if let Some(last) = written.checked_sub(1).and_then(|at| out.get(at)) {
            self.last = Some(*last);
        }
        self.passed += written as u64;
        Ok(written)
    }
}

impl<R: Read> LfOnly<R> {
    fn pass_on(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
        while written < out.len() {
            if self.start == self.end {
                if written > 0 {
                    break;
                }
                let n = self.inner.read(&mut self.buffer)?;
                if n == 0 {
                    self.ended = true;
                    if self.held_cr {
                        self.held_cr = false;
                        out[written] = b'\r';
                        written += 1;
                    }
                    break;
                }
                (self.start, self.end) = (0, n);
            }
            let next = self.buffer[self.start];
            if self.held_cr {
                self.held_cr = false;
                if next != b'\n' {
                    // a lone `\r`: passed on, and the byte after it is looked at again
                    out[written] = b'\r';
                    written += 1;
                    continue;
                }
            }
            if next == b'\r' {
                self.held_cr = true;
                self.start += 1;
                continue;
            }
            // everything up to the next `\r` goes out in one copy
            let room = out.len() - written;
            let run = &self.buffer[self.start..self.end];
            let len = run.iter().take(room).position(|&b| b == b'\r').unwrap_or(run.len().min(room));
            out[written..written + len].copy_from_slice(&run[..len]);
            written += len;
            self.start += len;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that hands out one byte per read, so that every `\r` ends a chunk.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), out.first_mut()) {
                (Some((first, rest)), Some(slot)) => {
                    *slot = *first;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn through<R: Read>(reader: R, out_size: usize) -> Vec<u8> {
        let mut lf = LfOnly::new(reader);
        let mut all = Vec::new();
        let mut out = vec![0; out_size];
        loop {
            let n = lf.read(&mut out).unwrap();
            if n == 0 {
                return all;
            }
            all.extend_from_slice(&out[..n]);
        }
    }

    #[test]
    fn only_crlf_loses_its_cr() {
        let input: &[u8] = b"a,b\r\n1,\"x\ry\"\r\n\r\n2,3\r";
        let expected: &[u8] = b"a,b\n1,\"x\ry\"\n\n2,3\r";
        for out_size in [1, 2, 3, 64] {
            assert_eq!(through(input, out_size), expected, "{out_size}");
            assert_eq!(through(Trickle(input), out_size), expected, "{out_size}");
        }
    }
}

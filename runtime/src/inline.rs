//! A small text buffer on the stack, so a value that has to be formatted before it can be
//! serialized (a joined list, a JSON-string parameter) costs no heap allocation when it is short.
//! Longer values report overflow and the caller takes its allocating path instead.

use std::{fmt, io};

/// Up to `N` bytes of text; writes past that fail and mark the buffer as overflowed.
pub(crate) struct InlineBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> InlineBuf<N> {
    pub(crate) fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    /// Appends `bytes`, or fails (leaving the buffer unusable for the caller) when they do not fit.
    fn push(&mut self, bytes: &[u8]) -> bool {
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(slot) => {
                slot.copy_from_slice(bytes);
                self.len = end;
                true
            }
            None => false,
        }
    }

    /// The text written, if it is UTF-8 (always, for text written through `fmt::Write`).
    pub(crate) fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.buf[..self.len]).ok()
    }
}

impl<const N: usize> fmt::Write for InlineBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.push(s.as_bytes()) {
            Ok(())
        } else {
            Err(fmt::Error)
        }
    }
}

impl<const N: usize> io::Write for InlineBuf<N> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.push(bytes) {
            Ok(bytes.len())
        } else {
            Err(io::ErrorKind::WriteZero.into())
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn holds_text_up_to_its_size_and_refuses_more() {
        let mut b = InlineBuf::<8>::new();
        assert!(b.write_str("visa").is_ok());
        assert!(b.write_str(" amex").is_err());
        assert!(b.write_str(" jcb").is_ok());
        assert_eq!(b.as_str(), Some("visa jcb"));
        assert!(b.write_str("x").is_err());
    }
}

//! QWERTY neighbours: a substitution by an adjacent key is the commonest typing slip.

const ROWS: [&[u8]; 4] = [b"1234567890-", b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];

/// Row and column of a key, with each row's usual offset (in quarter keys) from the one above.
fn position(key: u8) -> Option<(i32, i32)> {
    const OFFSETS: [i32; 4] = [0, 2, 3, 5];
    let key = key.to_ascii_lowercase();
    ROWS.iter().enumerate().find_map(|(row, keys)| {
        let column = keys.iter().position(|k| *k == key)?;
        let row_index = i32::try_from(row).ok()?;
        let column = i32::try_from(column).ok()?;
        Some((row_index, column * 4 + OFFSETS[row]))
    })
}

/// Whether `a` and `b` are distinct keys that touch on a QWERTY keyboard (same row, next to each
/// other; or on adjacent rows, overlapping).
pub(crate) fn are_neighbours(a: u8, b: u8) -> bool {
    let (Some((row_a, x_a)), Some((row_b, x_b))) = (position(a), position(b)) else {
        return false;
    };
    if a.eq_ignore_ascii_case(&b) {
        return false;
    }
    match (row_a - row_b).abs() {
        0 => (x_a - x_b).abs() == 4,
        1 => (x_a - x_b).abs() < 4,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_touch() {
        for (a, b) in [
            (b'q', b'w'),
            (b's', b'd'),
            (b'e', b'd'),
            (b'g', b'y'),
            (b'o', b'0'),
            (b'm', b'n'),
            (b'k', b'i'),
        ] {
            assert!(are_neighbours(a, b), "{} {}", a as char, b as char);
            assert!(are_neighbours(b, a));
        }
        for (a, b) in [
            (b'q', b'p'),
            (b'a', b'a'),
            (b'z', b'p'),
            (b'a', b'm'),
            (b'-', b'x'),
            (b'c', b'h'),
        ] {
            assert!(!are_neighbours(a, b), "{} {}", a as char, b as char);
        }
    }
}

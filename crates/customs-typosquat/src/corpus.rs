//! Popular package names with their popularity: the CSV format documented in the crate docs.

use customs_core::{Ecosystem, NameError, PackageName};

use crate::forms;

/// Most rows a corpus may hold. The largest public list we use has 20,000; the cap keeps a
/// hostile or corrupt file from costing more than a few megabytes.
pub const MAX_ROWS: usize = 200_000;

/// Longest line accepted, in bytes: a name (at most 256 bytes, as `customs-core` allows) and a
/// number, with room to spare.
pub const MAX_LINE_LEN: usize = 512;

/// One popular package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name as the list wrote it (PyPI: as published, e.g. `PyYAML`).
    pub name: String,
    /// The key two names are the same package under (PEP 503 for PyPI; case and `-`/`_` folded
    /// for crates.io; exact for npm).
    pub key: String,
    /// 1 is the most popular. Ties are allowed.
    pub rank: u32,
    /// Downloads, for lists ranked by downloads (`name,downloads`).
    pub downloads: Option<u64>,
}

/// The popular names of one ecosystem, most popular first.
#[derive(Debug, Clone)]
pub struct Corpus {
    ecosystem: Ecosystem,
    entries: Vec<Entry>,
    duplicates: Vec<Duplicate>,
}

/// A row whose name was already listed (after normalisation): the first, better ranked, row
/// is kept and this one is reported here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub line: usize,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorpusError {
    #[error("the popular-names list is empty (expected a header `name,rank` or `name,downloads`)")]
    Empty,
    #[error("line 1: unknown header `{0}` (expected `name,rank` or `name,downloads`)")]
    UnknownHeader(String),
    #[error("line {line}: longer than {MAX_LINE_LEN} bytes")]
    LineTooLong { line: usize },
    #[error("line {line}: expected 2 comma-separated fields, found {found}")]
    FieldCount { line: usize, found: usize },
    #[error("line {line}: bad package name")]
    BadName {
        line: usize,
        #[source]
        source: NameError,
    },
    #[error("line {line}: `{value}` is not a {column} (a whole number{minimum})")]
    BadNumber {
        line: usize,
        column: &'static str,
        value: String,
        minimum: &'static str,
    },
    #[error("more than {MAX_ROWS} rows")]
    TooManyRows,
}

#[derive(Clone, Copy)]
enum Column {
    Rank,
    Downloads,
}

impl Corpus {
    /// Parses the CSV format described in the crate docs.
    ///
    /// A malformed row fails the whole parse with its line number: the file is generated (by
    /// `customs db update`) or hand-curated, and a silently skipped row would hide corruption
    /// and leave a popular name unprotected. A name listed twice (after normalisation) is not
    /// malformed: the first row wins and the others are reported by [`Corpus::duplicates`].
    pub fn parse_csv(ecosystem: Ecosystem, text: &str) -> Result<Corpus, CorpusError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.split('\n').enumerate().map(|(index, line)| {
            let line_number = index + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.len() > MAX_LINE_LEN {
                Err(CorpusError::LineTooLong { line: line_number })
            } else {
                Ok((line_number, line))
            }
        });

        let (_, header) = lines.next().ok_or(CorpusError::Empty)??;
        let column = match header.trim() {
            "name,rank" => Column::Rank,
            "name,downloads" => Column::Downloads,
            "" => return Err(CorpusError::Empty),
            other => return Err(CorpusError::UnknownHeader(other.escape_debug().to_string())),
        };

        let mut rows: Vec<(usize, PackageName, u64)> = Vec::new();
        for item in lines {
            let (line, text) = item?;
            if text.trim().is_empty() {
                continue;
            }
            if rows.len() >= MAX_ROWS {
                return Err(CorpusError::TooManyRows);
            }
            let Some((name, value)) = text.split_once(',').filter(|(_, v)| !v.contains(',')) else {
                return Err(CorpusError::FieldCount {
                    line,
                    found: text.split(',').count(),
                });
            };
            let name = PackageName::new(ecosystem, name.trim())
                .map_err(|source| CorpusError::BadName { line, source })?;
            let value = value.trim();
            let number = match (column, value.parse::<u64>()) {
                (Column::Rank, Ok(rank)) if rank >= 1 && rank <= u64::from(u32::MAX) => rank,
                (Column::Downloads, Ok(downloads)) => downloads,
                _ => {
                    let (column, minimum) = match column {
                        Column::Rank => ("rank", " from 1"),
                        Column::Downloads => ("download count", ""),
                    };
                    return Err(CorpusError::BadNumber {
                        line,
                        column,
                        value: value.escape_debug().to_string(),
                        minimum,
                    });
                }
            };
            rows.push((line, name, number));
        }

        // Most popular first: by rank, or by downloads (most first). The sort is stable, so
        // ties keep the file's order and duplicates resolve to the first of equals.
        match column {
            Column::Rank => rows.sort_by_key(|row| row.2),
            Column::Downloads => rows.sort_by_key(|row| std::cmp::Reverse(row.2)),
        }

        let keys: Vec<String> = rows.iter().map(|row| row.1.match_key(ecosystem)).collect();
        let mut seen: std::collections::HashSet<&str, foldhash::fast::RandomState> =
            std::collections::HashSet::with_capacity_and_hasher(keys.len(), Default::default());
        let first: Vec<bool> = keys.iter().map(|key| seen.insert(key.as_str())).collect();
        drop(seen);
        let mut entries = Vec::with_capacity(rows.len());
        let mut duplicates = Vec::new();
        for ((line, name, number), (key, first)) in
            rows.into_iter().zip(keys.into_iter().zip(first))
        {
            if !first {
                duplicates.push(Duplicate {
                    line,
                    name: name.display().to_owned(),
                });
                continue;
            }
            let (rank, downloads) = match column {
                Column::Rank => (u32::try_from(number).unwrap_or(u32::MAX), None),
                Column::Downloads => (
                    u32::try_from(entries.len() + 1).unwrap_or(u32::MAX),
                    Some(number),
                ),
            };
            entries.push(Entry {
                name: name.display().to_owned(),
                key,
                rank,
                downloads,
            });
        }
        duplicates.sort_by_key(|duplicate| duplicate.line);
        Ok(Corpus {
            ecosystem,
            entries,
            duplicates,
        })
    }

    /// Builds a corpus from names already in popularity order (rank = position), for tests and
    /// callers that hold a list rather than a file. Invalid names are skipped.
    pub fn from_names<'a>(ecosystem: Ecosystem, names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut seen = forms::KeySet::with_capacity(16);
        let mut entries = Vec::new();
        for name in names {
            let Ok(package) = PackageName::new(ecosystem, name) else {
                continue;
            };
            let key = package.match_key(ecosystem);
            if seen.insert(&key) {
                let rank = u32::try_from(entries.len() + 1).unwrap_or(u32::MAX);
                entries.push(Entry {
                    name: package.display().to_owned(),
                    key,
                    rank,
                    downloads: None,
                });
            }
        }
        Corpus {
            ecosystem,
            entries,
            duplicates: Vec::new(),
        }
    }

    pub fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }

    /// Entries, most popular first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Rows dropped because their name was already listed.
    pub fn duplicates(&self) -> &[Duplicate] {
        &self.duplicates
    }

    /// The first `count` entries as a corpus of their own (the evaluation's "targets only" view).
    pub fn truncated(&self, count: usize) -> Corpus {
        Corpus {
            ecosystem: self.ecosystem,
            entries: self.entries.iter().take(count).cloned().collect(),
            duplicates: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(ecosystem: Ecosystem, text: &str) -> Result<Corpus, CorpusError> {
        Corpus::parse_csv(ecosystem, text)
    }

    #[test]
    fn reads_ranks_and_normalises_names() {
        let corpus = parse(
            Ecosystem::CratesIo,
            "name,rank\r\nserde_json,2\r\nsyn,1\r\n\r\n",
        )
        .unwrap();
        let entries = corpus.entries();
        assert_eq!(entries.len(), 2);
        assert_eq!((entries[0].name.as_str(), entries[0].rank), ("syn", 1));
        assert_eq!(entries[1].key, "serde-json");
    }

    #[test]
    fn ranks_by_downloads_and_keeps_them() {
        let corpus = parse(
            Ecosystem::PyPI,
            "\u{feff}name,downloads\nPyYAML,10\nboto3,30\nrequests,20\n",
        )
        .unwrap();
        let ranked: Vec<_> = corpus
            .entries()
            .iter()
            .map(|entry| (entry.key.as_str(), entry.rank, entry.downloads))
            .collect();
        assert_eq!(
            ranked,
            [
                ("boto3", 1, Some(30)),
                ("requests", 2, Some(20)),
                ("pyyaml", 3, Some(10))
            ]
        );
        assert_eq!(corpus.entries()[2].name, "PyYAML");
    }

    #[test]
    fn duplicates_keep_the_better_rank_and_are_reported() {
        let corpus = parse(
            Ecosystem::PyPI,
            "name,rank\nzope.interface,5\nZope_Interface,3\n",
        )
        .unwrap();
        assert_eq!(corpus.len(), 1);
        assert_eq!(corpus.entries()[0].rank, 3);
        assert_eq!(corpus.entries()[0].name, "Zope_Interface");
        assert_eq!(
            corpus.duplicates(),
            [Duplicate {
                line: 2,
                name: "zope.interface".into()
            }]
        );
    }

    #[test]
    fn one_error_per_kind_names_its_line() {
        let cases: [(&str, CorpusError); 8] = [
            ("", CorpusError::Empty),
            ("\n", CorpusError::Empty),
            (
                "name,score\n",
                CorpusError::UnknownHeader("name,score".into()),
            ),
            (
                "name,rank\nlodash\n",
                CorpusError::FieldCount { line: 2, found: 1 },
            ),
            (
                "name,rank\nlodash,1,extra\n",
                CorpusError::FieldCount { line: 2, found: 3 },
            ),
            (
                "name,rank\nlodash,1\n,2\n",
                CorpusError::BadName {
                    line: 3,
                    source: NameError::Empty,
                },
            ),
            (
                "name,rank\nlodash,0\n",
                CorpusError::BadNumber {
                    line: 2,
                    column: "rank",
                    value: "0".into(),
                    minimum: " from 1",
                },
            ),
            (
                "name,downloads\nlodash,-5\n",
                CorpusError::BadNumber {
                    line: 2,
                    column: "download count",
                    value: "-5".into(),
                    minimum: "",
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse(Ecosystem::Npm, text).unwrap_err(),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn hostile_input_is_bounded() {
        let long = format!("name,rank\nlodash,1\n{},2\n", "a".repeat(10_000));
        assert_eq!(
            parse(Ecosystem::Npm, &long).unwrap_err(),
            CorpusError::LineTooLong { line: 3 }
        );

        let control = "name,rank\nlo\u{7}dash,1\n";
        assert!(matches!(
            parse(Ecosystem::Npm, control).unwrap_err(),
            CorpusError::BadName {
                line: 2,
                source: NameError::BadCharacter(_)
            }
        ));

        let mut many = String::from("name,rank\n");
        for index in 0..=MAX_ROWS {
            many.push_str(&format!("p{index},{}\n", index + 1));
        }
        assert_eq!(
            parse(Ecosystem::Npm, &many).unwrap_err(),
            CorpusError::TooManyRows
        );
    }

    #[test]
    fn error_messages_name_the_line() {
        let error = parse(Ecosystem::Npm, "name,rank\nok,1\nbad,x\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 3: `x` is not a rank (a whole number from 1)"
        );
    }
}

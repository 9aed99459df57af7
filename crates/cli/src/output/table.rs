//! [`Table`]: aligned columns for a terminal.

use std::fmt;

/// Longest cell printed; longer ones are cut with `…`.
const MAX_CELL_CHARS: usize = 48;

/// A table with a header row; columns are padded to their widest cell.
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    uncut: bool,
}

impl Table {
    /// A table with these column names.
    pub fn new<I, S>(header: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            uncut: false,
        }
    }

    /// Prints every cell whole (for explanations that must be read in full).
    #[must_use]
    pub fn uncut(mut self) -> Self {
        self.uncut = true;
        self
    }

    /// Adds a row (missing cells print empty, extra ones are ignored).
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }
}

/// The cell as printed: on one line (line breaks and tabs become spaces), every other control
/// character escaped, and cut unless the table is uncut.
fn cut(cell: &str, uncut: bool) -> String {
    let spaced = cell.replace(['\n', '\r', '\t'], " ");
    let one_line = super::escape_controls(&spaced);
    if uncut || one_line.chars().count() <= MAX_CELL_CHARS {
        one_line.into_owned()
    } else {
        let mut cut: String = one_line.chars().take(MAX_CELL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns = self.header.len();
        let cells: Vec<Vec<String>> = std::iter::once(&self.header)
            .chain(&self.rows)
            .map(|row| {
                (0..columns)
                    .map(|index| cut(row.get(index).map_or("", String::as_str), self.uncut))
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = (0..columns)
            .map(|index| {
                cells
                    .iter()
                    .map(|row| row[index].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (number, row) in cells.iter().enumerate() {
            if number > 0 {
                writeln!(f)?;
            }
            let mut line = String::new();
            for (index, cell) in row.iter().enumerate() {
                if index > 0 {
                    line.push_str("  ");
                }
                line.push_str(cell);
                if index + 1 < columns {
                    let pad = widths[index] - cell.chars().count();
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            f.write_str(line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_padded_to_the_widest_cell() {
        let mut table = Table::new(["ID", "NAME"]);
        table.row(["1", "Ada"]);
        table.row(["12345", ""]);
        assert_eq!(table.to_string(), "ID     NAME\n1      Ada\n12345");
    }

    #[test]
    fn long_cells_are_cut_and_kept_on_one_line() {
        let mut table = Table::new(["X"]);
        table.row(["a\nb".to_owned() + &"c".repeat(60)]);
        let text = table.to_string();
        let last = text.lines().nth(1).unwrap();
        assert_eq!(last.chars().count(), 48);
        assert!(last.starts_with("a b"));
        assert!(last.ends_with('…'));
    }

    #[test]
    fn control_characters_in_cells_are_escaped() {
        let mut table = Table::new(["NAME"]).uncut();
        table.row(["\u{1b}[2Jx\u{9b}"]);
        assert_eq!(table.to_string(), "NAME\n\\u{1b}[2Jx\\u{9b}");
    }
}

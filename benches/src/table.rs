//! The report's tables, built once and rendered three ways: as text for the terminal
//! (one table fits [`WIDTH`] columns), as Markdown for `--markdown` and docs, and as
//! HTML for the report page.

/// The widest line a text table may print.
pub const WIDTH: usize = 100;

/// A table: a title, a header row, rows of cells and notes printed under it.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// One line above the table.
    pub title: String,
    /// The header row.
    pub head: Vec<String>,
    /// The rows, each as many cells as `head`.
    pub rows: Vec<Vec<String>>,
    /// Lines under the table (wrapped to [`WIDTH`] in text).
    pub notes: Vec<String>,
}

impl Table {
    /// A table titled `title` with the columns `head`.
    pub fn new(title: impl Into<String>, head: Vec<String>) -> Table {
        Table {
            title: title.into(),
            head,
            ..Table::default()
        }
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as text: the title (wrapped), the first column left-aligned, the others
    /// right-aligned, two spaces between columns, the notes wrapped under it.
    pub fn text(&self) -> String {
        let mut out = wrap(&self.title, WIDTH, "");
        let ncols = self.head.len();
        let all = std::iter::once(&self.head).chain(&self.rows);
        let widths: Vec<usize> = (0..ncols)
            .map(|c| {
                all.clone()
                    .map(|r| r.get(c).map_or(0, |v| v.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (i, r) in all.enumerate() {
            let line: Vec<String> = (0..ncols)
                .map(|c| {
                    let v = r.get(c).map_or("", String::as_str);
                    let pad = " ".repeat(widths[c] - v.chars().count());
                    if c == 0 {
                        format!("{v}{pad}")
                    } else {
                        format!("{pad}{v}")
                    }
                })
                .collect();
            out.push_str("  ");
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
            if i == 0 {
                let total = widths.iter().sum::<usize>() + 2 * ncols.saturating_sub(1);
                out.push_str(&format!("  {}\n", "-".repeat(total)));
            }
        }
        for n in &self.notes {
            out.push_str(&wrap(n, WIDTH, "  "));
        }
        out
    }

    /// The table as Markdown (the title is left to the caller's heading).
    pub fn markdown(&self) -> String {
        let row = |r: &[String]| format!("| {} |\n", r.join(" | "));
        let mut out = row(&self.head);
        let rule: Vec<String> = (0..self.head.len())
            .map(|c| if c == 0 { "---" } else { "---:" }.to_string())
            .collect();
        out.push_str(&row(&rule));
        for r in &self.rows {
            out.push_str(&row(r));
        }
        for n in &self.notes {
            out.push_str(&format!("\n{n}\n"));
        }
        out
    }

    /// The table as an HTML `<table>` with its title as caption and its notes after.
    pub fn html(&self) -> String {
        let mut out = format!("<table>\n<caption>{}</caption>\n<tr>", escape(&self.title));
        for h in &self.head {
            out.push_str(&format!("<th>{}</th>", escape(h)));
        }
        out.push_str("</tr>\n");
        for r in &self.rows {
            out.push_str("<tr>");
            for (c, v) in r.iter().enumerate() {
                let tag = if c == 0 { "th" } else { "td" };
                out.push_str(&format!("<{tag}>{}</{tag}>", escape(v)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
        for n in &self.notes {
            out.push_str(&format!("<p class=\"note\">{}</p>\n", escape(n)));
        }
        out
    }
}

/// `s` with HTML's special characters escaped.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `text` wrapped at word boundaries to lines of at most `width` characters (a longer
/// word stands alone), each line starting with `indent` and ending with a newline.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    // Split at single spaces, so runs of spaces (aligned labels) survive.
    for word in text.split(' ') {
        let fresh = line.len() == indent.len();
        if !fresh && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from(indent);
        } else if !fresh {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{wrap, Table, WIDTH};

    #[test]
    fn text_aligns_and_fits() {
        let mut t = Table::new("title", vec!["name".into(), "N=10".into()]);
        t.rows.push(vec!["Poll".into(), "1.01x".into()]);
        t.notes.push("word ".repeat(40));
        let text = t.text();
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(text.contains("  Poll  1.01x\n"), "{text}");
        assert!(t.markdown().contains("| Poll | 1.01x |"));
        assert!(t.html().contains("<th>Poll</th><td>1.01x</td>"));
    }

    #[test]
    fn wrap_breaks_at_words() {
        assert_eq!(wrap("aa bb cc", 5, ""), "aa bb\ncc\n");
        assert_eq!(wrap("aa bb", 4, "  "), "  aa\n  bb\n");
        assert_eq!(wrap("", 4, "  "), "");
        assert_eq!(wrap("a:   b", 10, ""), "a:   b\n");
    }
}

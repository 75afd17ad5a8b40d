//! JUnit XML, the report format CI systems read: one `<testsuite>` per suite file, one
//! `<testcase>` per case, `<failure>` with the diff, `<error>` when a case could not run.

use super::run::{CaseResult, Status, SuiteReport};
use std::fmt::Write;

/// The reports as one JUnit XML document.
pub fn junit(reports: &[SuiteReport]) -> String {
    let total = |f: fn(&SuiteReport) -> usize| reports.iter().map(f).sum::<usize>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"authdeck check\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">",
        total(|r| r.cases.len()),
        total(|r| r.failed),
        total(|r| r.errors),
        seconds(reports.iter().map(|r| r.duration_ms).sum()),
    );
    for report in reports {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{}\" timestamp=\"{}\">",
            escape(&report.name),
            report.cases.len(),
            report.failed,
            report.errors,
            seconds(report.duration_ms),
            report.started_at.strftime("%Y-%m-%dT%H:%M:%S"),
        );
        out.push_str("    <properties>\n");
        let _ = writeln!(
            out,
            "      <property name=\"suite_run\" value=\"{}\"/>",
            escape(&report.run_id)
        );
        if let Some(file) = &report.file {
            let _ = writeln!(
                out,
                "      <property name=\"file\" value=\"{}\"/>",
                escape(&file.display().to_string())
            );
        }
        out.push_str("    </properties>\n");
        for case in &report.cases {
            write_case(&mut out, &report.name, case);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn write_case(out: &mut String, suite: &str, case: &CaseResult) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
        escape(&case.name),
        escape(suite),
        seconds(case.duration_ms)
    );
    match case.status {
        Status::Pass => out.push_str("/>\n"),
        Status::Fail => {
            let first = case
                .mismatches
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"mismatch\">{}</failure>\n    </testcase>",
                escape(&first),
                escape_text(&details(case))
            );
        }
        Status::Error => {
            let why = case.error.clone().unwrap_or_default();
            let _ = writeln!(
                out,
                ">\n      <error message=\"{}\" type=\"not_run\">{}</error>\n    </testcase>",
                escape(&why),
                escape_text(&details(case))
            );
        }
    }
}

/// The body of a failure: every mismatch, what came back, and the notes.
fn details(case: &CaseResult) -> String {
    let mut text = format!("{} ({})\n", case.email, case.provider);
    for m in &case.mismatches {
        let _ = writeln!(
            text,
            "{}: expected {}, got {}",
            m.field, m.expected, m.actual
        );
    }
    if let Some(actual) = &case.actual {
        let _ = writeln!(
            text,
            "answer: {} in {} ms",
            actual.summary(),
            actual.latency_ms
        );
    }
    if let Some(error) = &case.error {
        let _ = writeln!(text, "error: {error}");
    }
    for note in &case.notes {
        let _ = writeln!(text, "note: {note}");
    }
    text
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Escapes element text: like [`escape`], but line breaks stay readable.
fn escape_text(text: &str) -> String {
    escape(text).replace("&#10;", "\n").replace("&#9;", "\t")
}

/// Escapes text for an XML attribute or element. Characters XML 1.0 cannot carry at all
/// (most control characters) become U+FFFD, so a hostile server message cannot break the file.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}&#10;"
        );
    }

    #[test]
    fn milliseconds_become_seconds_with_three_decimals() {
        assert_eq!(seconds(0), "0.000");
        assert_eq!(seconds(12_345), "12.345");
    }
}

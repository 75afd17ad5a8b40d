//! JUnit XML from a real run against the sandbox, read back with an XML parser (roxmltree) the
//! way a CI system would: the counts, the failure text, and hostile characters intact.

use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::suite::{self, RunOptions, Suite, SuiteReport, Vars};
use authdeck_sandbox::Sandbox;

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// Two passing cases, one failing, one that cannot run; names with characters XML must escape.
const SUITE: &str = r#"
name = "mixed <suite> & \"quotes\""
[defaults]
provider = "meetmates"
base_url = "${SANDBOX_URL}/meetmates"
password = "s3cret-pass"

[[case]]
name = "alice logs in"
email = "alice@adgitmdelhi.ac.in"
ok = true

[[case]]
name = "domain rule <403> & 'quotes'"
email = "bob@gmail.com"
kind = "rejected"

[[case]]
name = "wrong on purpose"
email = "nobody@adgitmdelhi.ac.in"
kind = "user_not_found"
message_contains = "No such user\u0001"

[[case]]
name = "no remembered password"
email = "alice@adgitmdelhi.ac.in"
password_from_account = "not-an-account"
ok = true
"#;

async fn run_mixed() -> Fallible<(SuiteReport, tempfile::TempDir)> {
    let tmp = tempfile::tempdir()?;
    let deck = Deck::open(Home::at(tmp.path().join("home"))?)?;
    let sandbox = Sandbox::start(([127, 0, 0, 1], 0).into()).await?;
    let vars = Vars::none().with("SANDBOX_URL", sandbox.url());
    let plan = Suite::parse(SUITE, None)?.plan(&deck.catalog(), &vars, None)?;
    let report = suite::run(
        &deck,
        &Http::new()?,
        &plan,
        &RunOptions::new("run-<1>"),
        |_| {},
    )
    .await?;
    Ok((report, tmp))
}

fn attr<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> &'a str {
    node.attribute(name).unwrap_or_default()
}

#[tokio::test]
async fn a_junit_parser_reads_back_the_right_counts() -> Fallible<()> {
    let (report, _tmp) = run_mixed().await?;
    assert_eq!((report.passed, report.failed, report.errors), (2, 1, 1));
    let xml = suite::junit(std::slice::from_ref(&report));
    let doc = roxmltree::Document::parse(&xml).map_err(|e| format!("{e}\n{xml}"))?;
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(attr(root, "tests"), "4");
    assert_eq!(attr(root, "failures"), "1");
    assert_eq!(attr(root, "errors"), "1");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let ts = suites[0];
    assert_eq!(attr(ts, "name"), "mixed <suite> & \"quotes\"");
    assert_eq!(attr(ts, "tests"), "4");
    assert_eq!(attr(ts, "failures"), "1");
    assert_eq!(attr(ts, "errors"), "1");
    let cases: Vec<_> = ts
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 4, "one testcase per case");
    assert_eq!(attr(cases[1], "name"), "domain rule <403> & 'quotes'");
    let failure = cases[2]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .ok_or("the failing case has a <failure>")?;
    assert_eq!(
        attr(failure, "message"),
        "kind: expected user_not_found, got invalid_credentials"
    );
    let body = failure.text().unwrap_or_default();
    assert!(
        body.contains("message_contains: expected a message containing")
            && body.contains("\nanswer: invalid_credentials, HTTP 400"),
        "the body carries the whole diff, line by line: {body}"
    );
    assert!(
        cases[3].children().any(|n| n.has_tag_name("error")),
        "a case that could not run is an <error>, not a <failure>"
    );
    assert!(
        cases[0].children().all(|n| !n.is_element()),
        "a passing case is an empty <testcase/>"
    );
    let property = ts
        .descendants()
        .find(|n| n.has_tag_name("property") && attr(*n, "name") == "suite_run")
        .ok_or("the run id is a property")?;
    assert_eq!(attr(property, "value"), "run-<1>");
    Ok(())
}

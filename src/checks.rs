//! The checks `backend-pro test` runs in a generated project, decided from what the project has
//! and what the machine offers (no I/O here: the CLI gathers the [`Facts`] and runs the steps).

/// What the CLI found before deciding.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// `golangci-lint` is on PATH.
    pub golangci_lint: bool,
    /// `promtool` is on PATH.
    pub promtool: bool,
    /// The project has `deployments/prometheus/alerts_test.yml` (monitoring capability).
    pub alert_tests: bool,
    /// The project has an e2e suite (`tests/e2e`).
    pub e2e_suite: bool,
    /// `DATABASE_URL` and `REDIS_URL` are both set.
    pub services: bool,
    /// `E2E_BASE_URL` is set (a running service to drive).
    pub e2e_base_url: bool,
}

/// Why a step did not run, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    NoGolangciLint,
    NoPromtool,
    NoE2eBaseUrl,
}

/// How a step's output is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judge {
    /// Exit status 0.
    ExitStatus,
    /// Exit status 0 and nothing on stdout (`gofmt -l`).
    SilentSuccess,
}

/// One check: a command run in the project directory.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: &'static str,
    /// Commands run in order; the step fails at the first that fails.
    pub commands: Vec<Vec<String>>,
    /// Extra environment.
    pub env: Vec<(&'static str, &'static str)>,
    /// Run in this subdirectory of the project.
    pub dir: &'static str,
    pub judge: Judge,
    pub skip: Option<Skip>,
}

fn cmd(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn step(name: &'static str, commands: Vec<Vec<String>>) -> Step {
    Step {
        name,
        commands,
        env: Vec::new(),
        dir: ".",
        judge: Judge::ExitStatus,
        skip: None,
    }
}

/// The steps, in the order a reviewer would run them: format, vet, lint, build, tests (against
/// PostgreSQL and Redis when their URLs are set: then a test that cannot reach them fails
/// instead of skipping), the alert rules' unit tests, and the e2e suite against a running
/// service.
pub fn steps(f: &Facts) -> Vec<Step> {
    let mut out = vec![
        Step {
            judge: Judge::SilentSuccess,
            ..step("gofmt", vec![cmd(&["gofmt", "-l", "."])])
        },
        step(
            "vet",
            vec![
                cmd(&["go", "vet", "./..."]),
                cmd(&["go", "vet", "-tags", "e2e", "./..."]),
            ],
        ),
        Step {
            skip: (!f.golangci_lint).then_some(Skip::NoGolangciLint),
            ..step(
                "golangci-lint",
                vec![cmd(&["golangci-lint", "run", "./..."])],
            )
        },
        step("build", vec![cmd(&["go", "build", "./..."])]),
        Step {
            env: if f.services {
                vec![("TEST_REQUIRE_SERVICES", "1")]
            } else {
                Vec::new()
            },
            ..step(
                "go-test",
                vec![cmd(&["go", "test", "-race", "-count=1", "./..."])],
            )
        },
    ];
    if f.alert_tests {
        out.push(Step {
            dir: "deployments/prometheus",
            skip: (!f.promtool).then_some(Skip::NoPromtool),
            ..step(
                "alerts",
                vec![
                    cmd(&["promtool", "check", "rules", "alerts.yml"]),
                    cmd(&["promtool", "test", "rules", "alerts_test.yml"]),
                ],
            )
        });
    }
    if f.e2e_suite {
        out.push(Step {
            skip: (!f.e2e_base_url).then_some(Skip::NoE2eBaseUrl),
            ..step(
                "e2e",
                vec![cmd(&[
                    "go",
                    "test",
                    "-tags",
                    "e2e",
                    "-count=1",
                    "./tests/e2e/...",
                ])],
            )
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_the_project_and_the_machine() {
        let bare = steps(&Facts::default());
        let names: Vec<_> = bare.iter().map(|s| s.name).collect();
        assert_eq!(names, ["gofmt", "vet", "golangci-lint", "build", "go-test"]);
        assert_eq!(bare[2].skip, Some(Skip::NoGolangciLint));
        assert!(bare[4].env.is_empty());

        let full = steps(&Facts {
            golangci_lint: true,
            promtool: true,
            alert_tests: true,
            e2e_suite: true,
            services: true,
            e2e_base_url: false,
        });
        let names: Vec<_> = full.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "gofmt",
                "vet",
                "golangci-lint",
                "build",
                "go-test",
                "alerts",
                "e2e"
            ]
        );
        assert!(full.iter().take(6).all(|s| s.skip.is_none()));
        assert_eq!(full[4].env, [("TEST_REQUIRE_SERVICES", "1")]);
        assert_eq!(full[5].dir, "deployments/prometheus");
        assert_eq!(full[6].skip, Some(Skip::NoE2eBaseUrl));
    }
}

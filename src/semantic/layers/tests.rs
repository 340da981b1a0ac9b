use super::*;
use crate::semantic::context::WalkOptions;
use crate::semantic::vars::VarOptions;
use crate::syntax;

fn model(source: &str, context: Option<&BuildContext>) -> Layers {
    let file = syntax::parse(source);
    let stages = Stages::new(&file);
    let vars = VarModel::new(&file, &stages, &VarOptions::default());
    let shell = ShellScripts::new(&file, &stages);
    Layers::new(&file, &stages, &vars, &shell, context)
}

fn costs(layers: &Layers) -> Vec<&'static str> {
    layers.steps.iter().map(|s| s.cost.as_str()).collect()
}

#[test]
fn cost_classes() {
    let layers = model(
        "FROM debian:12\n\
         ENV A=1\n\
         RUN apt-get update && apt-get install -y gcc\n\
         COPY . /src\n\
         RUN make -C /src\n\
         RUN curl -fsSLo /x.tgz https://example.com/x.tgz\n\
         RUN mkdir /data\n\
         ADD https://example.com/y.tgz /y.tgz\n",
        None,
    );
    assert_eq!(
        costs(&layers),
        [
            "metadata", "metadata", "install", "copy", "compile", "download", "command", "download"
        ]
    );
    assert!(layers.steps[7].always);
    assert_eq!(layers.steps[7].urls, ["https://example.com/y.tgz"]);
}

#[test]
fn run_sees_every_stage_arg_declared_before_it() {
    let layers = model(
        "ARG GLOBAL=1\n\
         FROM alpine:$GLOBAL\n\
         ARG A\n\
         RUN true\n\
         ARG B=2\n\
         RUN true\n\
         WORKDIR /$B\n\
         FROM alpine\n\
         RUN true\n",
        None,
    );
    let args = |i: usize| layers.steps[i].args.clone();
    assert_eq!(args(0), ["GLOBAL"]);
    assert_eq!(args(2), ["A"]);
    assert_eq!(args(4), ["A", "B"]);
    assert_eq!(args(5), ["B"]);
    assert!(args(7).is_empty());
}

#[test]
fn stage_inputs_and_mounts() {
    let layers = model(
        "FROM golang:1.23 AS build\n\
         RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=bind,source=go.mod,target=go.mod go build .\n\
         FROM build AS test\n\
         FROM alpine\n\
         COPY --from=build /out /out\n\
         RUN --mount=from=test,target=/t true\n",
        None,
    );
    assert_eq!(
        layers.steps[1].mounts,
        ["cache:/root/.cache/go-build", "bind:go.mod"]
    );
    assert_eq!(layers.steps[1].context[0].path.as_deref(), Some("go.mod"));
    assert_eq!(layers.stages[1].parent, Some(0));
    assert_eq!(layers.steps[2].stages, [0]);
    assert_eq!(layers.steps[4].stages, [0]);
    assert_eq!(layers.steps[5].stages, [1]);
}

#[test]
fn rebuild_propagates_through_the_stage_and_dependent_stages() {
    let dir = crate::testing::context_dir(&[
        (".dockerignore", "*.md\n"),
        ("go.mod", "module x\n"),
        ("main.go", "package main\n"),
        ("README.md", "x\n"),
    ]);
    let ctx = BuildContext::load(dir.path(), None, WalkOptions::default()).unwrap();
    let layers = model(
        "FROM golang:1.23 AS build\n\
         COPY go.mod ./\n\
         RUN go mod download\n\
         COPY *.go ./\n\
         RUN go build -o /app .\n\
         FROM alpine AS other\n\
         RUN apk add --no-cache curl\n\
         FROM alpine\n\
         COPY --from=build /app /app\n\
         ADD https://example.com/x /x\n",
        Some(&ctx),
    );
    let rebuilt = |changed: &[&str]| -> Vec<bool> {
        let changed: Vec<String> = changed.iter().map(|s| (*s).to_owned()).collect();
        layers
            .rebuild(&changed, Some(&ctx))
            .iter()
            .map(Option::is_some)
            .collect()
    };
    // The remote ADD is re-checked every build.
    let always = [
        false, false, false, false, false, false, false, false, false, true,
    ];
    assert_eq!(rebuilt(&[]), always);
    assert_eq!(rebuilt(&["README.md"]), always);
    assert_eq!(
        rebuilt(&["main.go"]),
        [
            false, false, false, true, true, false, false, false, true, true
        ]
    );
    assert_eq!(
        rebuilt(&["./go.mod"]),
        [
            false, true, true, true, true, false, false, false, true, true
        ]
    );
    // A new file a wildcard would pick up.
    assert_eq!(
        rebuilt(&["util.go"]),
        [
            false, false, false, true, true, false, false, false, true, true
        ]
    );
    let verdicts = layers.rebuild(&["main.go".to_owned()], Some(&ctx));
    assert_eq!(
        verdicts[3],
        Some(Reason::Changed {
            files: vec!["main.go".to_owned()]
        })
    );
    assert_eq!(verdicts[4], Some(Reason::Previous { step: 3 }));
    assert_eq!(verdicts[8], Some(Reason::Stage { stage: 0 }));
}

#[test]
fn context_files_after_dockerignore() {
    let dir = crate::testing::context_dir(&[
        (".dockerignore", "docs\n!docs/keep.txt\n"),
        ("docs/a.txt", "x"),
        ("docs/keep.txt", "x"),
        ("src/main.c", "x"),
    ]);
    let ctx = BuildContext::load(dir.path(), None, WalkOptions::default()).unwrap();
    let layers = model("FROM alpine\nCOPY . /src\nCOPY docs /docs\n", Some(&ctx));
    let files = |i: usize| layers.steps[i].context[0].files.clone();
    assert_eq!(files(1), [".dockerignore", "docs/keep.txt", "src/main.c"]);
    assert_eq!(files(2), ["docs/keep.txt"]);
    assert_eq!(layers.steps[2].context[0].excluded, 1);
}

#[test]
fn variable_names_in_text() {
    let names: Vec<&str> = referenced_names("a $A ${B:-x} $1 $ {C} $_D-e ${E}").collect();
    assert_eq!(names, ["A", "B", "_D", "E"]);
}

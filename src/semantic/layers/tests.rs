use super::*;
use crate::semantic::vars::VarOptions;
use crate::syntax;

fn model(source: &str) -> Layers {
    let file = syntax::parse(source);
    let stages = Stages::new(&file);
    let vars = VarModel::new(&file, &stages, &VarOptions::default());
    let shell = ShellScripts::new(&file, &stages);
    Layers::new(&file, &stages, &vars, &shell, None)
}

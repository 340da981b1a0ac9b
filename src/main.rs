use std::process::ExitCode;

fn main() -> ExitCode {
    layerlint::cli::main()
}

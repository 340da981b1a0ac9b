//! The one list of rules, sorted by code. Adding a rule: write
//! `rules/<code>_<name>.rs` and add its line here.

use crate::engine::RuleEntry;

pub mod syntax_errors;

pub mod dl1001_inline_ignore_pragma;
pub mod dl3000_workdir_relative_path;
pub mod dl3001_pointless_command;
pub mod dl3003_cd_instead_of_workdir;
pub mod dl3004_run_with_sudo;
pub mod dl3006_image_untagged;
pub mod dl3007_image_latest_tag;
pub mod dl3010_copy_archive_then_extract;
pub mod dl3011_expose_port_out_of_range;
pub mod dl3012_multiple_healthcheck;
pub mod dl3020_add_instead_of_copy;
pub mod dl3021_copy_multiple_sources_dest_not_dir;
pub mod dl3024_duplicate_stage_name;
pub mod dl3025_json_args_recommended;
pub mod dl3029_from_platform_flag;
pub mod dl3043_onbuild_forbidden_trigger;
pub mod dl3045_copy_relative_dest_without_workdir;
pub mod dl3048_invalid_label_key;
pub mod dl3059_consecutive_run;
pub mod dl3061_invalid_instruction_order;
pub mod dl4000_maintainer_deprecated;
pub mod dl4003_multiple_cmd;
pub mod dl4004_multiple_entrypoint;
pub mod dl4005_ln_default_shell;
pub mod dl4006_pipe_without_pipefail;
pub mod ll101_stage_name_casing;
pub mod ll102_from_as_casing;
pub mod ll103_empty_continuation_line;
pub mod ll104_inconsistent_instruction_casing;
pub mod ll107_legacy_key_value_format;
pub mod ll110_expose_proto_casing;
pub mod ll111_expose_invalid_format;
pub mod ll113_json_args_malformed;
pub mod ll114_unused_suppression;

/// Every rule, sorted by code.
pub static RULES: &[&RuleEntry] = &[
    &dl1001_inline_ignore_pragma::RULE,
    &dl3000_workdir_relative_path::RULE,
    &dl3001_pointless_command::RULE,
    &dl3003_cd_instead_of_workdir::RULE,
    &dl3004_run_with_sudo::RULE,
    &dl3006_image_untagged::RULE,
    &dl3007_image_latest_tag::RULE,
    &dl3010_copy_archive_then_extract::RULE,
    &dl3011_expose_port_out_of_range::RULE,
    &dl3012_multiple_healthcheck::RULE,
    &dl3020_add_instead_of_copy::RULE,
    &dl3021_copy_multiple_sources_dest_not_dir::RULE,
    &dl3024_duplicate_stage_name::RULE,
    &dl3025_json_args_recommended::RULE,
    &dl3029_from_platform_flag::RULE,
    &dl3043_onbuild_forbidden_trigger::RULE,
    &dl3045_copy_relative_dest_without_workdir::RULE,
    &dl3048_invalid_label_key::RULE,
    &dl3059_consecutive_run::RULE,
    &dl3061_invalid_instruction_order::RULE,
    &dl4000_maintainer_deprecated::RULE,
    &dl4003_multiple_cmd::RULE,
    &dl4004_multiple_entrypoint::RULE,
    &dl4005_ln_default_shell::RULE,
    &dl4006_pipe_without_pipefail::RULE,
    &syntax_errors::LL001,
    &syntax_errors::LL002,
    &syntax_errors::LL003,
    &syntax_errors::LL004,
    &syntax_errors::LL005,
    &syntax_errors::LL006,
    &syntax_errors::LL007,
    &syntax_errors::LL008,
    &syntax_errors::LL009,
    &syntax_errors::LL010,
    &syntax_errors::LL011,
    &syntax_errors::LL012,
    &syntax_errors::LL013,
    &syntax_errors::LL014,
    &ll101_stage_name_casing::RULE,
    &ll102_from_as_casing::RULE,
    &ll103_empty_continuation_line::RULE,
    &ll104_inconsistent_instruction_casing::RULE,
    &ll107_legacy_key_value_format::RULE,
    &ll110_expose_proto_casing::RULE,
    &ll111_expose_invalid_format::RULE,
    &ll113_json_args_malformed::RULE,
    &ll114_unused_suppression::RULE,
];

#[cfg(test)]
mod tests {
    use super::RULES;

    #[test]
    fn registry_is_sorted_and_unique() {
        let codes: Vec<_> = RULES.iter().map(|r| r.meta.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            codes, sorted,
            "RULES must be sorted by code, without duplicates"
        );
        let mut names: Vec<_> = RULES.iter().map(|r| r.meta.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "rule names must be unique");
        for rule in RULES {
            let name = rule.meta.name;
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name} is not kebab-case"
            );
            assert!(
                rule.meta.docs().contains("## What it does"),
                "{} has no `## What it does`",
                rule.meta.code
            );
        }
    }
}

//! The one list of rules, sorted by code. Adding a rule: write
//! `rules/<code>_<name>.rs` and add its line here.

use crate::engine::RuleEntry;

pub mod label_schema;
pub mod rpm_unpinned;
pub mod syntax_errors;

pub mod dl1001_inline_ignore_pragma;
pub mod dl3000_workdir_relative_path;
pub mod dl3001_pointless_command;
pub mod dl3002_last_user_root;
pub mod dl3003_cd_instead_of_workdir;
pub mod dl3004_run_with_sudo;
pub mod dl3006_image_untagged;
pub mod dl3007_image_latest_tag;
pub mod dl3008_apt_get_unpinned;
pub mod dl3009_apt_lists_not_deleted;
pub mod dl3010_copy_archive_then_extract;
pub mod dl3011_expose_port_out_of_range;
pub mod dl3012_multiple_healthcheck;
pub mod dl3013_pip_unpinned;
pub mod dl3014_apt_get_missing_yes;
pub mod dl3015_apt_get_install_recommends;
pub mod dl3016_npm_unpinned;
pub mod dl3018_apk_add_unpinned;
pub mod dl3019_apk_add_without_no_cache;
pub mod dl3020_add_instead_of_copy;
pub mod dl3021_copy_multiple_sources_dest_not_dir;
pub mod dl3022_copy_from_unknown_stage;
pub mod dl3023_copy_from_own_stage;
pub mod dl3024_duplicate_stage_name;
pub mod dl3025_json_args_recommended;
pub mod dl3026_untrusted_registry;
pub mod dl3027_apt_instead_of_apt_get;
pub mod dl3028_gem_unpinned;
pub mod dl3029_from_platform_flag;
pub mod dl3030_yum_missing_yes;
pub mod dl3032_yum_clean_missing;
pub mod dl3033_yum_unpinned;
pub mod dl3034_zypper_missing_non_interactive;
pub mod dl3035_zypper_dist_upgrade;
pub mod dl3036_zypper_clean_missing;
pub mod dl3037_zypper_unpinned;
pub mod dl3038_dnf_missing_yes;
pub mod dl3040_dnf_clean_missing;
pub mod dl3041_dnf_unpinned;
pub mod dl3042_pip_cache_dir;
pub mod dl3043_onbuild_forbidden_trigger;
pub mod dl3044_env_self_reference;
pub mod dl3045_copy_relative_dest_without_workdir;
pub mod dl3046_useradd_high_uid_without_l;
pub mod dl3047_wget_without_progress;
pub mod dl3048_invalid_label_key;
pub mod dl3049_required_label_missing;
pub mod dl3050_label_not_in_schema;
pub mod dl3051_required_label_empty;
pub mod dl3052_label_invalid_url;
pub mod dl3053_label_invalid_rfc3339_time;
pub mod dl3054_label_invalid_spdx_license;
pub mod dl3055_label_invalid_git_hash;
pub mod dl3056_label_invalid_semver;
pub mod dl3057_healthcheck_missing;
pub mod dl3058_label_invalid_email;
pub mod dl3059_consecutive_run;
pub mod dl3060_yarn_cache_not_cleaned;
pub mod dl3061_invalid_instruction_order;
pub mod dl3062_go_unpinned;
pub mod dl3063_reserved_stage_name;
pub mod dl3064_secrets_in_arg_or_env;
pub mod dl3065_redundant_target_platform;
pub mod dl3066_non_numeric_user;
pub mod dl3067_copy_whole_stage_filesystem;
pub mod dl4000_maintainer_deprecated;
pub mod dl4001_curl_and_wget;
pub mod dl4003_multiple_cmd;
pub mod dl4004_multiple_entrypoint;
pub mod dl4005_ln_default_shell;
pub mod dl4006_pipe_without_pipefail;
pub mod ll101_stage_name_casing;
pub mod ll102_from_as_casing;
pub mod ll103_empty_continuation_line;
pub mod ll104_inconsistent_instruction_casing;
pub mod ll105_undefined_arg_in_from;
pub mod ll106_undefined_var;
pub mod ll107_legacy_key_value_format;
pub mod ll108_invalid_default_arg_in_from;
pub mod ll109_from_platform_flag_const;
pub mod ll110_expose_proto_casing;
pub mod ll111_expose_invalid_format;
pub mod ll112_invalid_definition_description;
pub mod ll113_json_args_malformed;
pub mod ll114_unused_suppression;
pub mod ll201_copy_context_before_install;
pub mod ll202_volatile_arg_before_run;
pub mod ll203_package_index_update_alone;
pub mod ll204_add_remote_without_checksum;
pub mod ll205_missing_cache_mount;
pub mod ll301_chown_in_separate_layer;
pub mod ll302_remove_in_later_layer;
pub mod ll303_build_tools_in_final_stage;
pub mod ll401_secret_file_copied;
pub mod ll402_tls_verification_disabled;
pub mod ll403_expose_ssh;
pub mod ll501_copy_ignored_file;
pub mod ll502_dockerignore_missing;
pub mod ll503_copy_source_missing;

/// Every rule, sorted by code.
pub static RULES: &[&RuleEntry] = &[
    &dl1001_inline_ignore_pragma::RULE,
    &dl3000_workdir_relative_path::RULE,
    &dl3001_pointless_command::RULE,
    &dl3002_last_user_root::RULE,
    &dl3003_cd_instead_of_workdir::RULE,
    &dl3004_run_with_sudo::RULE,
    &dl3006_image_untagged::RULE,
    &dl3007_image_latest_tag::RULE,
    &dl3008_apt_get_unpinned::RULE,
    &dl3009_apt_lists_not_deleted::RULE,
    &dl3010_copy_archive_then_extract::RULE,
    &dl3011_expose_port_out_of_range::RULE,
    &dl3012_multiple_healthcheck::RULE,
    &dl3013_pip_unpinned::RULE,
    &dl3014_apt_get_missing_yes::RULE,
    &dl3015_apt_get_install_recommends::RULE,
    &dl3016_npm_unpinned::RULE,
    &dl3018_apk_add_unpinned::RULE,
    &dl3019_apk_add_without_no_cache::RULE,
    &dl3020_add_instead_of_copy::RULE,
    &dl3021_copy_multiple_sources_dest_not_dir::RULE,
    &dl3022_copy_from_unknown_stage::RULE,
    &dl3023_copy_from_own_stage::RULE,
    &dl3024_duplicate_stage_name::RULE,
    &dl3025_json_args_recommended::RULE,
    &dl3026_untrusted_registry::RULE,
    &dl3027_apt_instead_of_apt_get::RULE,
    &dl3028_gem_unpinned::RULE,
    &dl3029_from_platform_flag::RULE,
    &dl3030_yum_missing_yes::RULE,
    &dl3032_yum_clean_missing::RULE,
    &dl3033_yum_unpinned::RULE,
    &dl3034_zypper_missing_non_interactive::RULE,
    &dl3035_zypper_dist_upgrade::RULE,
    &dl3036_zypper_clean_missing::RULE,
    &dl3037_zypper_unpinned::RULE,
    &dl3038_dnf_missing_yes::RULE,
    &dl3040_dnf_clean_missing::RULE,
    &dl3041_dnf_unpinned::RULE,
    &dl3042_pip_cache_dir::RULE,
    &dl3043_onbuild_forbidden_trigger::RULE,
    &dl3044_env_self_reference::RULE,
    &dl3045_copy_relative_dest_without_workdir::RULE,
    &dl3046_useradd_high_uid_without_l::RULE,
    &dl3047_wget_without_progress::RULE,
    &dl3048_invalid_label_key::RULE,
    &dl3049_required_label_missing::RULE,
    &dl3050_label_not_in_schema::RULE,
    &dl3051_required_label_empty::RULE,
    &dl3052_label_invalid_url::RULE,
    &dl3053_label_invalid_rfc3339_time::RULE,
    &dl3054_label_invalid_spdx_license::RULE,
    &dl3055_label_invalid_git_hash::RULE,
    &dl3056_label_invalid_semver::RULE,
    &dl3057_healthcheck_missing::RULE,
    &dl3058_label_invalid_email::RULE,
    &dl3059_consecutive_run::RULE,
    &dl3060_yarn_cache_not_cleaned::RULE,
    &dl3061_invalid_instruction_order::RULE,
    &dl3062_go_unpinned::RULE,
    &dl3063_reserved_stage_name::RULE,
    &dl3064_secrets_in_arg_or_env::RULE,
    &dl3065_redundant_target_platform::RULE,
    &dl3066_non_numeric_user::RULE,
    &dl3067_copy_whole_stage_filesystem::RULE,
    &dl4000_maintainer_deprecated::RULE,
    &dl4001_curl_and_wget::RULE,
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
    &ll105_undefined_arg_in_from::RULE,
    &ll106_undefined_var::RULE,
    &ll107_legacy_key_value_format::RULE,
    &ll108_invalid_default_arg_in_from::RULE,
    &ll109_from_platform_flag_const::RULE,
    &ll110_expose_proto_casing::RULE,
    &ll111_expose_invalid_format::RULE,
    &ll112_invalid_definition_description::RULE,
    &ll113_json_args_malformed::RULE,
    &ll114_unused_suppression::RULE,
    &ll201_copy_context_before_install::RULE,
    &ll202_volatile_arg_before_run::RULE,
    &ll203_package_index_update_alone::RULE,
    &ll204_add_remote_without_checksum::RULE,
    &ll205_missing_cache_mount::RULE,
    &ll301_chown_in_separate_layer::RULE,
    &ll302_remove_in_later_layer::RULE,
    &ll303_build_tools_in_final_stage::RULE,
    &ll401_secret_file_copied::RULE,
    &ll402_tls_verification_disabled::RULE,
    &ll403_expose_ssh::RULE,
    &ll501_copy_ignored_file::RULE,
    &ll502_dockerignore_missing::RULE,
    &ll503_copy_source_missing::RULE,
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

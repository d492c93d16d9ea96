//! Which language the CLI and generated docs speak.

use crate::model::Lang;

mod catalogue;
pub use catalogue::{fill, help_zh, Msg};

/// `--lang` wins; otherwise Chinese when the PRD is Chinese or `LANG`/`LC_ALL` is `zh*`.
pub fn pick(flag: Option<Lang>, prd: Option<Lang>, env_lang: Option<&str>) -> Lang {
    if let Some(l) = flag {
        return l;
    }
    if prd == Some(Lang::Zh) {
        return Lang::Zh;
    }
    match env_lang {
        Some(v) if v.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

/// The locale from the environment, as POSIX orders it (`LC_ALL` > `LC_MESSAGES` > `LANG`).
pub fn env_locale() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
}

/// The language of the CLI's own messages before a project or PRD says otherwise: `--lang`,
/// else the environment's locale.
pub fn ui(flag: Option<Lang>) -> Lang {
    pick(flag, None, env_locale().as_deref())
}

/// Picks the English or Chinese form of a message.
pub fn t<'a>(lang: Lang, en: &'a str, zh: &'a str) -> &'a str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_overrides_everything() {
        assert_eq!(
            pick(Some(Lang::En), Some(Lang::Zh), Some("zh_CN.UTF-8")),
            Lang::En
        );
        assert_eq!(pick(None, Some(Lang::Zh), Some("en_US.UTF-8")), Lang::Zh);
        assert_eq!(pick(None, Some(Lang::En), Some("zh_CN.UTF-8")), Lang::Zh);
        assert_eq!(pick(None, None, None), Lang::En);
    }
}

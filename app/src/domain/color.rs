//! Brand colours: parsing `#rrggbb`, and WCAG 2 contrast, so the portal can
//! pick readable text on the brand colour and warn when the colour itself is
//! too pale to be read as text on a white page. Shared by the server and the
//! browser, so the live preview and the saved portal agree.

use std::fmt;

/// Trellis's own accent, used when an organization has no brand colour.
pub const DEFAULT_BRAND: Rgb = Rgb {
    r: 0x1f,
    g: 0x6f,
    b: 0x4a,
};

/// WCAG 2 level AA for normal text.
pub const AA_NORMAL_TEXT: f64 = 4.5;

pub const WHITE: Rgb = Rgb {
    r: 255,
    g: 255,
    b: 255,
};
pub const BLACK: Rgb = Rgb { r: 0, g: 0, b: 0 };

/// An sRGB colour with 8 bits per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// Why a colour was refused; each has its own message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColorError {
    #[error("Enter a colour as a hex code, such as #1f6f4a.")]
    Empty,
    #[error("Use only the hex digits 0–9 and a–f after “#”, as in #1f6f4a (found “{0}”).")]
    InvalidDigit(char),
    #[error("Use 6 hex digits after “#” (or the 3-digit short form, as in #fa0); found {0}.")]
    WrongLength(usize),
}

impl Rgb {
    /// Reads `#rrggbb` or `#rgb`, in either case, with or without the `#`
    /// and surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, ColorError> {
        let input = input.trim();
        let digits = input.strip_prefix('#').unwrap_or(input);
        if digits.is_empty() {
            return Err(ColorError::Empty);
        }
        if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Err(ColorError::InvalidDigit(bad));
        }
        let nibble = |c: u8| -> u8 {
            match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                _ => c - b'A' + 10,
            }
        };
        let d: Vec<u8> = digits.bytes().map(nibble).collect();
        match d.len() {
            3 => Ok(Self {
                r: d[0] * 17,
                g: d[1] * 17,
                b: d[2] * 17,
            }),
            6 => Ok(Self {
                r: d[0] * 16 + d[1],
                g: d[2] * 16 + d[3],
                b: d[4] * 16 + d[5],
            }),
            n => Err(ColorError::WrongLength(n)),
        }
    }

    /// `#rrggbb`, lower case: the one stored form.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// WCAG 2 relative luminance, 0 (black) to 1 (white).
    pub fn relative_luminance(self) -> f64 {
        fn linear(channel: u8) -> f64 {
            let c = f64::from(channel) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// This colour mixed with `other`; `amount` 0 keeps it, 1 gives `other`.
    pub fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let amount = amount.clamp(0.0, 1.0);
        let channel = |a: u8, b: u8| -> u8 {
            let value = f64::from(a) + (f64::from(b) - f64::from(a)) * amount;
            // Within 0..=255 by construction.
            value.round().clamp(0.0, 255.0) as u8
        };
        Rgb {
            r: channel(self.r, other.r),
            g: channel(self.g, other.g),
            b: channel(self.b, other.b),
        }
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The WCAG 2 contrast ratio of two colours, from 1 to 21.
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.relative_luminance(), b.relative_luminance());
    let (light, dark) = if la >= lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// Black or white, whichever contrasts more with `background` (at least
/// 4.58:1 whatever the background, so text on the brand colour passes AA).
pub fn text_color_on(background: Rgb) -> Rgb {
    if contrast_ratio(WHITE, background) >= contrast_ratio(BLACK, background) {
        WHITE
    } else {
        BLACK
    }
}

/// `color` darkened just enough to be read as text on white (AA), or
/// `color` itself when it already is.
pub fn readable_on_white(color: Rgb) -> Rgb {
    (0..=100)
        .map(|step| color.mix(BLACK, f64::from(step) / 100.0))
        .find(|candidate| contrast_ratio(*candidate, WHITE) >= AA_NORMAL_TEXT)
        .unwrap_or(BLACK)
}

/// A ratio as people read it, never rounded up across a threshold: 4.499
/// shows as "4.49:1".
pub fn format_ratio(ratio: f64) -> String {
    format!("{:.2}:1", (ratio * 100.0).floor() / 100.0)
}

/// What a brand colour means for the portal: the colours it uses and how
/// well they read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BrandPalette {
    /// Header and button background.
    pub brand: Rgb,
    /// Header and button text: black or white by contrast.
    pub on_brand: Rgb,
    /// Buttons when hovered: a little further from the text colour.
    pub brand_strong: Rgb,
    /// Links and focus rings on the white page.
    pub link: Rgb,
    /// Contrast of `on_brand` on `brand`.
    pub text_contrast: f64,
    /// Contrast of the brand colour itself as text on white.
    pub brand_on_white: f64,
}

impl BrandPalette {
    pub fn new(brand: Rgb) -> Self {
        let on_brand = text_color_on(brand);
        let away = if on_brand == WHITE { BLACK } else { WHITE };
        Self {
            brand,
            on_brand,
            brand_strong: brand.mix(away, 0.15),
            link: readable_on_white(brand),
            text_contrast: contrast_ratio(on_brand, brand),
            brand_on_white: contrast_ratio(brand, WHITE),
        }
    }

    /// The palette of a stored colour (`None` or unreadable: the default).
    pub fn from_stored(color: Option<&str>) -> Self {
        Self::new(
            color
                .and_then(|c| Rgb::parse(c).ok())
                .unwrap_or(DEFAULT_BRAND),
        )
    }

    /// Whether the brand colour can itself be used as text on white.
    pub fn brand_passes_as_text(&self) -> bool {
        self.brand_on_white >= AA_NORMAL_TEXT
    }

    /// The CSS custom properties the portal's stylesheet reads.
    pub fn custom_properties(&self) -> [(&'static str, String); 5] {
        [
            ("--brand", self.brand.to_hex()),
            ("--brand-strong", self.brand_strong.to_hex()),
            ("--on-brand", self.on_brand.to_hex()),
            ("--link", self.link.to_hex()),
            ("--focus", self.link.to_hex()),
        ]
    }

    /// `selector { --brand: #…; … }`. Only hex colours are written, so the
    /// rule is safe to put in a `<style>` element.
    pub fn css_rule(&self, selector: &str) -> String {
        let body: String = self
            .custom_properties()
            .iter()
            .map(|(name, value)| format!("{name}:{value};"))
            .collect();
        format!("{selector}{{{body}}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rgb(hex: &str) -> Rgb {
        Rgb::parse(hex).unwrap_or(Rgb { r: 1, g: 2, b: 3 })
    }

    #[test]
    fn parses_and_normalises_hex_colours() {
        assert_eq!(rgb("#1f6f4a").to_hex(), "#1f6f4a");
        assert_eq!(rgb("#1F6F4A").to_hex(), "#1f6f4a");
        assert_eq!(rgb("  1f6f4a ").to_hex(), "#1f6f4a");
        assert_eq!(rgb("#FA0").to_hex(), "#ffaa00");
        assert_eq!(rgb("#000").to_hex(), "#000000");
    }

    #[test]
    fn each_mistake_has_its_own_message() {
        assert_eq!(Rgb::parse(""), Err(ColorError::Empty));
        assert_eq!(Rgb::parse("#"), Err(ColorError::Empty));
        assert_eq!(Rgb::parse("#12345"), Err(ColorError::WrongLength(5)));
        assert_eq!(Rgb::parse("#1234567"), Err(ColorError::WrongLength(7)));
        assert_eq!(Rgb::parse("red"), Err(ColorError::InvalidDigit('r')));
        assert_eq!(Rgb::parse("#12g456"), Err(ColorError::InvalidDigit('g')));
        assert_eq!(
            Rgb::parse("rgb(1,2,3)").map_err(|e| e.to_string()),
            Err("Use only the hex digits 0–9 and a–f after “#”, as in #1f6f4a (found “r”).".into())
        );
        assert_eq!(
            Rgb::parse("#12345").map_err(|e| e.to_string()),
            Err(
                "Use 6 hex digits after “#” (or the 3-digit short form, as in #fa0); found 5."
                    .into()
            )
        );
    }

    #[test]
    fn known_wcag_pairs() {
        let close = |a: f64, b: f64| (a - b).abs() < 0.01;
        assert!(close(contrast_ratio(WHITE, BLACK), 21.0));
        assert!(close(contrast_ratio(WHITE, WHITE), 1.0));
        // The classic AA threshold grey.
        assert!(close(contrast_ratio(WHITE, rgb("#767676")), 4.54));
        assert!(contrast_ratio(WHITE, rgb("#777777")) < AA_NORMAL_TEXT);
        // WebAIM's examples.
        assert!(close(contrast_ratio(WHITE, rgb("#0000ff")), 8.59));
        assert!(close(contrast_ratio(WHITE, rgb("#ff0000")), 3.99));
        assert!(close(contrast_ratio(BLACK, rgb("#ffff00")), 19.55));
        assert!(close(rgb("#808080").relative_luminance(), 0.2159));
    }

    #[test]
    fn text_on_the_brand_is_whichever_contrasts_more() {
        assert_eq!(text_color_on(rgb("#1f6f4a")), WHITE);
        assert_eq!(text_color_on(rgb("#ffeb3b")), BLACK);
        assert_eq!(text_color_on(rgb("#ffffff")), BLACK);
        assert_eq!(text_color_on(rgb("#000000")), WHITE);
    }

    #[test]
    fn pale_brands_fail_as_text_and_get_a_darker_link_colour() {
        let pale = BrandPalette::new(rgb("#ffeb3b"));
        assert!(!pale.brand_passes_as_text());
        assert!(pale.brand_on_white < 1.5);
        assert!(contrast_ratio(pale.link, WHITE) >= AA_NORMAL_TEXT);
        assert_ne!(pale.link, pale.brand);

        let green = BrandPalette::new(DEFAULT_BRAND);
        assert!(green.brand_passes_as_text());
        assert_eq!(green.link, DEFAULT_BRAND);
        assert_eq!(green.on_brand, WHITE);
    }

    #[test]
    fn ratios_are_never_rounded_up() {
        assert_eq!(format_ratio(4.499), "4.49:1");
        assert_eq!(
            format_ratio(contrast_ratio(WHITE, rgb("#767676"))),
            "4.54:1"
        );
        assert_eq!(format_ratio(21.0), "21.00:1");
    }

    #[test]
    fn the_css_rule_holds_only_hex_colours() {
        let rule = BrandPalette::from_stored(Some("#ffeb3b")).css_rule(".portal");
        assert!(rule.starts_with(".portal{--brand:#ffeb3b;"), "{rule}");
        assert!(rule.contains("--on-brand:#000000;"), "{rule}");
        // An unreadable stored value falls back to the default.
        let fallback = BrandPalette::from_stored(Some("</style><script>"));
        assert_eq!(fallback.brand, DEFAULT_BRAND);
    }

    proptest! {
        #[test]
        fn every_hex_colour_round_trips(r in any::<u8>(), g in any::<u8>(), b in any::<u8>()) {
            let color = Rgb { r, g, b };
            prop_assert_eq!(Rgb::parse(&color.to_hex()), Ok(color));
            prop_assert_eq!(Rgb::parse(&color.to_hex().to_uppercase()), Ok(color));
        }

        #[test]
        fn text_on_any_brand_passes_aa(r in any::<u8>(), g in any::<u8>(), b in any::<u8>()) {
            let palette = BrandPalette::new(Rgb { r, g, b });
            prop_assert!(palette.text_contrast >= AA_NORMAL_TEXT);
            prop_assert!(contrast_ratio(palette.link, WHITE) >= AA_NORMAL_TEXT);
            prop_assert!((1.0..=21.0).contains(&palette.brand_on_white));
        }

        #[test]
        fn parsing_never_panics(input in "\\PC{0,12}") {
            if let Ok(color) = Rgb::parse(&input) {
                prop_assert_eq!(color.to_hex().len(), 7);
            }
        }
    }
}

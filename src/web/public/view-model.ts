import { directionOf, nativeName, type LanguageCode } from '../../domain/languages.js';
import type { LocalizedText } from '../../domain/questionnaire/common.js';
import type { Questionnaire } from '../../domain/questionnaire/schema.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import type { FieldError } from '../../domain/question-types/types.js';
import type { Translate } from '../i18n.js';

/** HTML id of a form field: "trust_in.own_doctor" → "f-trust_in--own_doctor". */
export function fieldId(field: string): string {
  return `f-${field.replace(/\./g, '--')}`;
}

/**
 * What every questionnaire page needs to show authored content: the language the content is in
 * (the citizen's, or the questionnaire's default when it has no translation), and a `lang`/`dir`
 * attribute for content elements when that differs from the page language.
 */
export function contentContext(doc: Questionnaire, lang: LanguageCode, t: Translate) {
  const available = doc.languages.includes(lang);
  const contentLang = available ? lang : doc.defaultLanguage;
  const text = (value: LocalizedText | undefined) =>
    resolveText(value, contentLang, doc.defaultLanguage).text;
  return {
    contentLang,
    text,
    /** Raw attribute string; language codes come from a fixed list, so it is safe unescaped. */
    la: contentLang === lang ? '' : ` lang="${contentLang}" dir="${directionOf(contentLang)}"`,
    notice: available
      ? null
      : {
          message: t('language.notAvailable', {
            language: nativeName(lang),
            fallback: nativeName(contentLang),
          }),
          choices: doc.languages.map((code) => ({
            code,
            name: nativeName(code),
            dir: directionOf(code),
          })),
        },
  };
}

export type ContentContext = ReturnType<typeof contentContext>;

export interface ErrorView {
  field: string;
  href: string;
  text: string;
}

/** Translates validation errors into the citizen's language, with authored texts resolved. */
export function errorViews(
  errors: FieldError[],
  t: Translate,
  content: ContentContext,
): ErrorView[] {
  return errors.map((error) => {
    const vars = Object.fromEntries(
      Object.entries(error.vars ?? {}).map(([name, value]) => [
        name,
        typeof value === 'object' ? content.text(value) : value,
      ]),
    );
    return {
      field: error.field,
      href: `#${fieldId(error.field)}`,
      text: t(`errors.${error.message.replace(/^errors\./, '')}`, vars),
    };
  });
}

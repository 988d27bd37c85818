/**
 * What simulated citizens write in free-text questions: short, harmless remarks in a few
 * languages (others fall back to English), and now and then contact details that redaction
 * must remove before anything is stored.
 */
export const REMARKS: Readonly<Record<string, readonly string[]>> = {
  en: [
    'I would share my data if I knew who uses it.',
    'Please publish the results in plain language.',
    'My doctor should decide with me.',
    'I worry about insurers seeing my data.',
    'Good initiative, thank you for asking.',
    'Research that helps rare diseases matters to my family.',
  ],
  de: [
    'Ich würde meine Daten teilen, wenn ich wüsste, wer sie nutzt.',
    'Bitte veröffentlichen Sie die Ergebnisse verständlich.',
    'Versicherungen sollten keinen Zugriff bekommen.',
    'Danke für die Befragung.',
  ],
  fr: [
    'Je partagerais mes données si je savais qui les utilise.',
    'Merci de publier les résultats simplement.',
    'Les assureurs ne doivent pas y avoir accès.',
    'Bonne initiative, merci de nous consulter.',
  ],
  pl: [
    'Udostępniłabym dane, gdybym wiedziała, kto z nich korzysta.',
    'Proszę opublikować wyniki prostym językiem.',
    'Ubezpieczyciele nie powinni mieć dostępu.',
    'Dziękuję za możliwość wypowiedzenia się.',
  ],
  ar: [
    'سأشارك بياناتي إذا عرفت من يستخدمها.',
    'يرجى نشر النتائج بلغة بسيطة.',
    'لا ينبغي لشركات التأمين الوصول إلى البيانات.',
    'شكرًا على هذه الاستشارة.',
  ],
  es: [
    'Compartiría mis datos si supiera quién los usa.',
    'Publiquen los resultados con claridad, por favor.',
  ],
  it: ['Condividerei i miei dati se sapessi chi li usa.', 'Grazie per averci consultato.'],
  nl: ['Ik zou mijn gegevens delen als ik wist wie ze gebruikt.', 'Bedankt voor de raadpleging.'],
};

/** Contact details some citizens type despite the warning; none of them may be stored. */
export const CONTACTS: readonly string[] = [
  'Write to me at anna.nowak@example.org.',
  'Call me on +48 601 234 567.',
  'Mein Telefon: 0171 2345678.',
  'Contact: jean-luc.martin@example.fr',
  'My number is (020) 7946 0958.',
];

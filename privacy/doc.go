// Package privacy keeps residents' personal data out of what gridtriage
// stores and shows: it redacts phone, ID-card and bank-card numbers and
// e-mail addresses from report text, and seals the unmasked original with
// AES-GCM so that only the roles that need it can read it.
package privacy

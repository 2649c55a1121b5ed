// Package form is the school's application form as data: its sections and
// fields in the order of the paper form, what kind of answer each takes,
// which follow-up is asked only after "yes", the eligibility rules, and the
// parsers that turn what a person typed into a stored answer.
//
// The dialogue in package bot walks this table; adding a field to the form
// is one row here plus its texts in locales/, not new dialogue code.
package form

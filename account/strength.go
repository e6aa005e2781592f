package account

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/trustelem/zxcvbn"

	"github.com/silkbridge/silkbridge"
)

// MinPasswordScore is the least zxcvbn score (0 to 4) a new password
// needs: 3 means "safely unguessable" against an offline attack on a slow
// hash, which argon2id is. Lower scores are what lists of leaked passwords,
// keyboard walks, sequences and repeats give.
const MinPasswordScore = 3

// maxPasswordBytes bounds the work of hashing and of the strength check.
const maxPasswordBytes = 1024

// CheckNewPassword records a problem under field when pw is too short, too
// long, too common or too plain to be a password. userInputs are what an
// attacker would try first (the e-mail address, the name); a password
// built from them is weak however long it is.
func CheckNewPassword(p *silkbridge.Problems, field, pw string, userInputs ...string) {
	n := visibleLen(pw)
	switch {
	case len(pw) > maxPasswordBytes:
		p.Add(field, "field.too_long", fmt.Sprintf("at most %d characters", maxPasswordBytes), map[string]any{"Max": maxPasswordBytes, "Len": len(pw)})
	case n < MinPasswordLen:
		p.Add(field, "field.password_short", fmt.Sprintf("at least %d characters", MinPasswordLen), map[string]any{"Min": MinPasswordLen})
	case zxcvbn.PasswordStrength(pw, passwordHints(userInputs)).Score < MinPasswordScore:
		p.Add(field, "field.password_weak", "too common or too plain to be guessed slowly: add unusual words, or make it longer", nil)
	}
}

// visibleLen counts the characters of pw that a person can see and type:
// white space and invisible format characters (zero-width spaces and
// joiners, direction marks) add length without adding anything to guess.
func visibleLen(pw string) int {
	n := 0
	for _, r := range pw {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || !unicode.IsPrint(r) {
			continue
		}
		n++
	}
	return n
}

// passwordHints splits the user's inputs into the pieces an attacker
// would try: the whole e-mail, its local part and domain words, and each
// word of the name.
func passwordHints(inputs []string) []string {
	var out []string
	for _, in := range inputs {
		in = strings.ToLower(strings.TrimSpace(in))
		if in == "" {
			continue
		}
		out = append(out, in)
		out = append(out, strings.FieldsFunc(in, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})...)
	}
	return out
}

package mongoexec

import (
	"net/url"
	"regexp"
	"strings"
)

// Redactor removes a connection string's credentials from messages.
type Redactor struct {
	secrets []string
}

var userinfo = regexp.MustCompile(`(mongodb(?:\+srv)?://)[^@/]*@`)

// NewRedactor notes the credentials of uri.
func NewRedactor(uri string) *Redactor {
	r := &Redactor{}
	if m := userinfo.FindString(uri); m != "" {
		info := strings.TrimSuffix(m[strings.Index(m, "://")+3:], "@")
		r.add(info)
		if _, pass, ok := strings.Cut(info, ":"); ok {
			r.add(pass)
			if p, err := url.PathUnescape(pass); err == nil {
				r.add(p)
			}
		}
	}
	if u, err := url.Parse(uri); err == nil {
		// Secrets can also travel as options (an AWS session token).
		for k, vs := range u.Query() {
			if strings.Contains(strings.ToLower(k), "authmechanismproperties") || strings.Contains(strings.ToLower(k), "password") {
				for _, v := range vs {
					r.add(v)
				}
			}
		}
	}
	return r
}

func (r *Redactor) add(s string) {
	// Very short secrets would blank out ordinary words of a message.
	if len(s) >= 3 {
		r.secrets = append(r.secrets, s)
	}
}

// String returns s with every credential of the URI replaced by ***, and
// the user part of any connection string in it as well.
func (r *Redactor) String(s string) string {
	s = userinfo.ReplaceAllString(s, "${1}***@")
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "***")
	}
	return s
}

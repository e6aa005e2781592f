//go:build tools

package main
import (
 _ "modernc.org/sqlite"
 _ "github.com/jackc/pgx/v5/stdlib"
 _ "github.com/pressly/goose/v3"
 _ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
 _ "github.com/nicksnyder/go-i18n/v2/i18n"
 _ "golang.org/x/text/language"
 _ "golang.org/x/crypto/argon2"
 _ "golang.org/x/time/rate"
 _ "github.com/prometheus/client_golang/prometheus"
 _ "github.com/schollz/progressbar/v3"
 _ "github.com/chromedp/chromedp"
 _ "github.com/google/uuid"
)
func main(){}

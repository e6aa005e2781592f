package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/silkbridge/silkbridge/ror"
	"github.com/silkbridge/silkbridge/store"
)

// runImportROR streams a ROR data dump into the directory.
func runImportROR(ctx context.Context, rest []string, db string, quiet, linkROR bool) error {
	switch {
	case len(rest) == 0:
		return fmt.Errorf("%w: give the dump: import ror FILE (.json, .json.gz or .zip)", errUsage)
	case len(rest) > 1:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, rest[1])
	}
	rd, err := ror.Open(rest[0])
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	defer rd.Close()
	st, err := openStore(ctx, db, newLogger())
	if err != nil {
		return err
	}
	defer st.Close()
	var out io.Writer = os.Stderr
	if quiet {
		out = io.Discard
	}
	res, err := importROR(ctx, st, rd, out)
	if err != nil {
		return err
	}
	printRORReport(os.Stdout, res)
	if !linkROR {
		return nil
	}
	fmt.Fprintln(out, "Linking the Horizon 2020 organisations to ROR ...")
	lr, err := st.ProposeRORLinks(ctx, store.Actor{})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "\nLinks to ROR: %d named organisations without a ROR id considered\n", lr.Considered)
	fmt.Fprintf(os.Stdout, "  high confidence   %6d (linked at once: %d; directory entries merged: %d)\n", lr.ByLevel["high"], lr.Linked, lr.Merged)
	fmt.Fprintf(os.Stdout, "  medium confidence %6d (waiting for review)\n", lr.ByLevel["medium"])
	fmt.Fprintf(os.Stdout, "  low confidence    %6d (waiting for review)\n", lr.ByLevel["low"])
	fmt.Fprintf(os.Stdout, "  no proposal       %6d\n", lr.Considered-lr.ByLevel["high"]-lr.ByLevel["medium"]-lr.ByLevel["low"])
	return nil
}

// importROR writes the records of rd, with a progress bar over the bytes
// of the input on out.
func importROR(ctx context.Context, st *store.Store, rd *ror.Reader, out io.Writer) (*store.RORImportResult, error) {
	bar := progressbar.NewOptions64(rd.Size, progressbar.OptionSetWriter(out), progressbar.OptionSetDescription("ROR records"),
		progressbar.OptionShowBytes(true), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }))
	res, err := st.ImportROR(ctx, store.Actor{}, rd.Next, func(int) { _ = bar.Set64(rd.Offset()) })
	if err == nil {
		_ = bar.Finish()
	}
	return res, err
}

func printRORReport(w io.Writer, r *store.RORImportResult) {
	fmt.Fprintf(w, "\nROR import finished in %s\n", r.Duration.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  records read              %7d (schema v1 %d, v2 %d)\n", r.Read, r.BySchema["1"], r.BySchema["2"])
	fmt.Fprintf(w, "  new organisations         %7d\n", r.Created)
	fmt.Fprintf(w, "  carried by an organisation already in the directory %d\n", r.Attached)
	fmt.Fprintf(w, "  updated                   %7d\n", r.Updated)
	fmt.Fprintf(w, "  unchanged                 %7d\n", r.Unchanged)
	fmt.Fprintf(w, "  absent from this dump, marked withdrawn %d\n", r.Withdrawn)
	statuses := make([]string, 0, len(r.ByStatus))
	for s := range r.ByStatus {
		statuses = append(statuses, s)
	}
	sort.Strings(statuses)
	for _, s := range statuses {
		fmt.Fprintf(w, "      %-10s %7d\n", s, r.ByStatus[s])
	}
	fmt.Fprintf(w, "  refused                   %7d\n", r.Refused)
	for _, x := range r.RefusedSample {
		fmt.Fprintf(w, "      e.g. %s\n", x)
	}
	fmt.Fprintf(w, "  ROR records in the database %d\n\nSource: Research Organization Registry (ror.org), CC0 1.0.\n", r.InDatabase)
}

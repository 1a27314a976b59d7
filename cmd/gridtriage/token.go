package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/gridtriage/gridtriage/auth"
	"github.com/gridtriage/gridtriage/privacy"
)

// runToken handles `gridtriage token add`: a new bearer token whose hash is
// appended to the token file; the token itself is shown once.
func runToken(_ context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usageErr("usage: gridtriage token add --tokens FILE --name NAME --role platform|dispatcher|analyst|admin [--out FILE]")
	}
	fs := flag.NewFlagSet("token add", flag.ContinueOnError)
	tokens := fs.String("tokens", "var/tokens.tsv", "token file to append the hash to")
	name := fs.String("name", "", "who the token is for (required)")
	role := fs.String("role", "", "platform, dispatcher, analyst or admin (required)")
	out := fs.String("out", "", "write the token to this new file (mode 0600) instead of stdout")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return usageErr(err.Error())
	}
	token, err := auth.AddToken(*tokens, *name, r)
	if err != nil {
		return err
	}
	where := "it is shown only now"
	if *out != "" {
		where = "the token itself is in " + *out
	}
	fmt.Fprintf(os.Stderr, "token for %s (%s) added to %s; %s\n", *name, r, *tokens, where)
	return writeSecret(*out, token)
}

// runKey handles `gridtriage key new`: a random AES-256 data key.
func runKey(_ context.Context, args []string) error {
	if len(args) == 0 || args[0] != "new" {
		return usageErr("usage: gridtriage key new [--out FILE]")
	}
	fs := flag.NewFlagSet("key new", flag.ContinueOnError)
	out := fs.String("out", "", "write the key to this new file (mode 0600) instead of stdout")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	key, err := privacy.NewKey()
	if err != nil {
		return err
	}
	return writeSecret(*out, key)
}

// writeSecret prints secret, or writes it to a new private file.
func writeSecret(path, secret string) error {
	if path == "" {
		_, err := fmt.Println(secret)
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, secret); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

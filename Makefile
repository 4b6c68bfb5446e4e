# Everything here needs only Go; `make bench` also uses Node.js and npm.
GO ?= go
BIN := bin
PREFIX ?= /usr/local
DESTDIR ?=
TOOLS := $(notdir $(wildcard cmd/ft-*))

# --version shows these; a build from an archive has no VCS data to read them from.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
CLI := github.com/ft-tools/ft/cmd/internal/cli
LDFLAGS := -X $(CLI).version=$(VERSION) -X $(CLI).commit=$(COMMIT) -X $(CLI).date=$(DATE)

.PHONY: all build test lint demo finetune evaluate bench fuzz clean completions man docs install print-ldflags

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

print-ldflags:
	@echo '$(LDFLAGS)'

# Completion scripts, one file per tool and shell, under the names each
# shell's completion directory expects.
completions: build
	@mkdir -p $(BIN)/completions/bash $(BIN)/completions/zsh $(BIN)/completions/fish
	@for t in $(TOOLS); do \
	  $(BIN)/$$t --completion bash > $(BIN)/completions/bash/$$t && \
	  $(BIN)/$$t --completion zsh > $(BIN)/completions/zsh/_$$t && \
	  $(BIN)/$$t --completion fish > $(BIN)/completions/fish/$$t.fish || exit 1; \
	done

man: build
	@mkdir -p $(BIN)/man/man1
	@for t in $(TOOLS); do $(BIN)/$$t --man > $(BIN)/man/man1/$$t.1 || exit 1; done

# Rewrites the flag table of each cmd/ft-*/README.md from the flags.
docs: build
	./scripts/docs $(BIN)

install: build completions man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	for t in $(TOOLS); do \
	  install -m 755 $(BIN)/$$t $(DESTDIR)$(PREFIX)/bin/$$t && \
	  install -m 644 $(BIN)/man/man1/$$t.1 $(DESTDIR)$(PREFIX)/share/man/man1/$$t.1 && \
	  install -m 644 $(BIN)/completions/bash/$$t $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$t && \
	  install -m 644 $(BIN)/completions/zsh/_$$t $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_$$t && \
	  install -m 644 $(BIN)/completions/fish/$$t.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/$$t.fish || exit 1; \
	done

lint:
	$(GO) vet ./...
	$(GO) vet -C cmd/internal/ferret ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needs to run on:"; echo "$$out"; exit 1; fi

test: lint
	$(GO) test ./...

demo: build
	./scripts/demo

finetune: build
	./scripts/finetune

evaluate: build
	./scripts/evaluate

bench: build
	./scripts/bench

fuzz:
	./scripts/fuzz

clean:
	rm -rf $(BIN) out

# Everything here needs only Go; `make bench` also uses Node.js and npm.
GO ?= go
BIN := bin
TOOLS := ft-format ft-split ft-validate ft-stats ft-upload ft-train ft-wait ft-ask ft-score

.PHONY: all build test lint demo finetune evaluate bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

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

package jsonl

// Code describes one validation code: its severity, what it means, and how
// to fix it. The table is the single source of a code's severity and of the
// README's list of codes.
type Code struct {
	Name     string
	Severity string
	Meaning  string
	Fix      string
}

// Validation codes. The first seven after the line-level ones are the names
// used by OpenAI's chat data-preparation notebook; the others follow their
// style.
const (
	CodeInvalidUTF8   = "invalid_utf8"
	CodeInvalidJSON   = "invalid_json"
	CodeLineTooLong   = "line_too_long"
	CodeFormatMixed   = "format_mixed"
	CodeTooFew        = "too_few_examples"
	CodeTooManyTokens = "too_many_tokens"

	CodeDataType              = "data_type"
	CodeMissingMessagesList   = "missing_messages_list"
	CodeMessageMissingKey     = "message_missing_key"
	CodeMessageUnrecognized   = "message_unrecognized_key"
	CodeUnrecognizedRole      = "unrecognized_role"
	CodeMissingContent        = "missing_content"
	CodeMissingAssistant      = "example_missing_assistant_message"
	CodeNoTrainedAssistant    = "example_no_trained_assistant_message"
	CodeUnknownKey            = "unknown_key"
	CodeMissingKey            = "missing_key"
	CodeInvalidType           = "invalid_type"
	CodeInvalidValue          = "invalid_value"
	CodeInvalidWeight         = "invalid_weight"
	CodeInvalidPartType       = "invalid_part_type"
	CodeInvalidImageURL       = "invalid_image_url"
	CodeImageNotAllowed       = "image_not_allowed"
	CodeTooManyImages         = "too_many_images"
	CodeInvalidArguments      = "invalid_arguments"
	CodeInvalidFunctionName   = "invalid_function_name"
	CodeUndeclaredFunction    = "undeclared_function"
	CodeDuplicateFunction     = "duplicate_function"
	CodeDuplicateToolCallID   = "duplicate_tool_call_id"
	CodeUnknownToolCallID     = "unknown_tool_call_id"
	CodeUnansweredToolCall    = "unanswered_tool_call"
	CodeInvalidPreference     = "invalid_preference_output"
	CodeEmptyCompletion       = "empty_completion"
	CodeSpecialToken          = "special_token"
	CodeAnswerNotJSON         = "answer_not_json"
	CodeDuplicateExample      = "duplicate_example"
	CodeMissingSystem         = "missing_system_message"
	CodeSystemPromptDiffers   = "system_prompt_differs"
	CodeMissingUser           = "example_missing_user_message"
	CodeEmptyContent          = "empty_content"
	CodeAssistantWhitespace   = "assistant_content_whitespace"
	CodePreferenceOutputsSame = "preference_outputs_identical"
)

// Codes lists every code a validation can report, in the order of the README.
var Codes = []Code{
	{CodeInvalidUTF8, SeverityError, "the line is not valid UTF-8", "re-encode the file as UTF-8 (iconv -f LATIN1 -t UTF-8)"},
	{CodeInvalidJSON, SeverityError, "the line is not one JSON value (often a truncated last line, or a pretty-printed file)", "write one compact JSON object per line; ft-format converts JSON arrays and CSV"},
	{CodeLineTooLong, SeverityError, "a line is longer than the reader's limit (256 MiB); it is skipped without being kept in memory, and the rest of the file is read", "split the file into lines, one example per line"},
	{CodeNotUTF8File, SeverityError, "the file starts with a UTF-16 or UTF-32 byte-order mark; it is not read (exit 3)", "convert it with the iconv command the message gives, such as iconv -f UTF-16LE -t UTF-8 in.jsonl > out.jsonl"},
	{CodeNumberOutOfRange, SeverityError, "a number is valid JSON but beyond what a 64-bit float holds (such as 1e999999)", "write the number within ±1.8e308, or as a string if it is text"},
	{CodeDataType, SeverityError, "the line is JSON but not an object", "each line must be a JSON object such as {\"messages\": [...]}"},
	{CodeFormatMixed, SeverityError, "the line is in another format than the file (chat or reinforcement, preference, completion), or than --format", "keep one format per file; split mixed files"},
	{CodeMissingMessagesList, SeverityError, "`messages` (or `input.messages`) is absent, null or empty", "give each example a non-empty `messages` array"},
	{CodeMessageMissingKey, SeverityError, "a message lacks a key its role requires: `role`, `content` (optional for an assistant that calls a tool), `tool_call_id` for tool, `name` for function", "add the key"},
	{CodeMessageUnrecognized, SeverityError, "a message has a key its role does not allow (such as `weight` on a user message, or a typo)", "remove or rename the key"},
	{CodeUnrecognizedRole, SeverityError, "`role` is not a role of the format (chat: system, user, assistant, tool, function; reinforcement: developer, user, assistant, tool)", "use one of the roles listed; reinforcement files use developer where chat files use system"},
	{CodeMissingContent, SeverityError, "a message's content is null or an empty array where text is required (null is allowed only for an assistant with tool_calls or function_call)", "give the message its text"},
	{CodeMissingAssistant, SeverityError, "a chat example has no assistant message, so there is nothing to train on", "add the answer as an assistant message"},
	{CodeNoTrainedAssistant, SeverityError, "every assistant message has weight 0, so there is nothing to train on", "set weight 1 (or remove weight) on at least one assistant message"},
	{CodeUnknownKey, SeverityError, "an object outside the messages (the example, a tool, a tool call, a content part, …) has a key the format does not define", "remove or rename the key; reinforcement files may carry extra top-level keys"},
	{CodeMissingKey, SeverityError, "a required key is absent (`prompt`, `completion`, `input`, `preferred_output`, a tool call's `id`, a function's `name`, …)", "add the key"},
	{CodeInvalidType, SeverityError, "a value has the wrong JSON type (say a number where a string is required)", "use the type named in the message"},
	{CodeInvalidValue, SeverityError, "a value is not one of those allowed (tool `type` other than \"function\", image `detail` other than auto/low/high, more than 128 `functions`)", "use one of the values named in the message"},
	{CodeInvalidWeight, SeverityError, "an assistant message's `weight` is not 0 or 1", "use 0 (do not train on this turn) or 1 (train on it)"},
	{CodeInvalidPartType, SeverityError, "a content part's `type` is not accepted for training (only text, and image_url in user messages)", "use text parts; audio and file inputs cannot be trained on"},
	{CodeInvalidImageURL, SeverityError, "an image URL is neither http(s) nor a data:image/…;base64, URL", "use an https URL or a base64 data URL of a JPEG, PNG or WEBP image"},
	{CodeImageNotAllowed, SeverityError, "an image appears where OpenAI does not accept one: outside user messages, or in a preference example", "move the image to a user message, or drop it"},
	{CodeTooManyImages, SeverityError, "an example has more than 10 images", "split the example; OpenAI accepts at most 10 images per example"},
	{CodeInvalidArguments, SeverityError, "a tool call's or function call's `arguments` is not a string holding valid JSON", "encode the arguments object as a JSON string: \"{\\\"city\\\": \\\"Paris\\\"}\""},
	{CodeInvalidFunctionName, SeverityError, "a function name is not 1–64 characters of a–z, A–Z, 0–9, _ and -", "rename the function"},
	{CodeUndeclaredFunction, SeverityError, "a call names a function that the example's `tools` (or `functions`) does not declare", "declare the function in `tools`, or fix the name"},
	{CodeDuplicateFunction, SeverityError, "two functions in `tools` or `functions` have the same name", "give each function a distinct name"},
	{CodeDuplicateToolCallID, SeverityError, "two tool calls of the example have the same `id`", "give each call its own id"},
	{CodeUnknownToolCallID, SeverityError, "a tool message's `tool_call_id` answers no earlier tool call of the same example", "use the id of the assistant's call it answers, and put the call before the answer"},
	{CodeUnansweredToolCall, SeverityError, "a tool call is followed by a message other than a tool message before every call of the assistant's turn is answered (an example may end on unanswered calls)", "add a tool message with the call's id right after the call"},
	{CodeInvalidPreference, SeverityError, "`preferred_output` or `non_preferred_output` is not exactly one assistant message", "give each exactly one {\"role\": \"assistant\", \"content\": …}"},
	{CodeEmptyCompletion, SeverityError, "a legacy example's `completion` is empty", "give the completion its text, or drop the example"},
	{CodeSpecialToken, SeverityError, "text contains a special token such as <|endoftext|> or <|fim_suffix|>, which OpenAI rejects", "remove the token or break it up (\"< |endoftext| >\")"},
	{CodeTooManyTokens, SeverityError, "the example has more tokens than the model's per-example limit: OpenAI would truncate it", "shorten or split the example, or pick a model with a larger limit (--model)"},
	{CodeAnswerNotJSON, SeverityError, "with --answer-json: an assistant answer (or completion) does not parse as JSON", "make the answer valid JSON, or drop --answer-json"},
	{CodeTooFew, SeverityError, "the file has fewer valid examples than OpenAI accepts: 10 in a training file, 1 in a validation file (or --min-examples)", "add examples; 50 to 100 usually show a clear improvement"},
	{CodeDuplicateExample, SeverityWarning, "the line is an exact duplicate (same JSON, whitespace aside) of an earlier line, which the message names", "drop the copy (--strict rejects it)"},
	{CodeMissingSystem, SeverityWarning, "a chat or preference example has no system message", "add the system prompt you will use at inference"},
	{CodeSystemPromptDiffers, SeverityWarning, "reported after the last line: examples whose system prompt differs from the one most of the file uses", "use the same system prompt as at inference everywhere, unless the variation is deliberate"},
	{CodeMissingUser, SeverityWarning, "the example has no user message", "add the user's turn"},
	{CodeEmptyContent, SeverityWarning, "a turn's text is empty or only whitespace", "give the turn its text, or drop it"},
	{CodeAssistantWhitespace, SeverityWarning, "an assistant answer starts or ends with whitespace, which the model learns to produce", "trim the answer"},
	{CodePreferenceOutputsSame, SeverityWarning, "a preference example's preferred and non-preferred outputs are identical, so it teaches nothing", "make the non-preferred output the worse answer"},
}

var severities = func() map[string]string {
	m := make(map[string]string, len(Codes))
	for _, c := range Codes {
		m[c.Name] = c.Severity
	}
	return m
}()

// SeverityOf returns the severity of a code: error unless the table says warning.
func SeverityOf(code string) string {
	if s, ok := severities[code]; ok {
		return s
	}
	return SeverityError
}

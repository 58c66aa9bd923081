using System.Management.Automation;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Templates;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS;

/// <summary>
/// Turns engine exceptions into ErrorRecords with stable error ids and categories, one mapping for every cmdlet, so
/// scripts can rely on FullyQualifiedErrorId (e.g. "InvalidGgufFile,LlamaPS.Commands.ImportLlamaModelCommand").
/// </summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(Exception e, object? target) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => new(e, "ModelFileNotFound", ErrorCategory.ObjectNotFound, target),
        GgufFormatException => new(e, "InvalidGgufFile", ErrorCategory.InvalidData, target),
        // A missing tensor (a vocabulary-only GGUF imported as a model, say) is a file that lacks data, not a
        // feature this engine lacks.
        UnsupportedModelException { Feature: UnsupportedFeature.Tensor } => new(e, "MissingTensor", ErrorCategory.InvalidData, target),
        UnsupportedModelException u => new(e, u.Feature switch
        {
            UnsupportedFeature.Architecture => "UnsupportedArchitecture",
            UnsupportedFeature.TensorType => "UnsupportedTensorType",
            UnsupportedFeature.Tokenizer => "UnsupportedTokenizer",
            UnsupportedFeature.Pooling => "UnsupportedPooling",
            _ => "UnsupportedModel",
        }, ErrorCategory.NotImplemented, target),
        TokenizerException => new(e, "InvalidTokenizer", ErrorCategory.InvalidData, target),
        ContextLengthExceededException => new(e, "PromptTooLong", ErrorCategory.LimitsExceeded, target),
        // A template that does not parse or uses what the renderer lacks, versus one that fails while rendering
        // (raise_exception among them): the message is the template's own either way.
        TemplateException { IsCompileError: true } => new(e, "InvalidChatTemplate", ErrorCategory.InvalidData, target),
        TemplateException => new(e, "ChatTemplateError", ErrorCategory.InvalidOperation, target),
        InvalidDataException => new(e, "InvalidModel", ErrorCategory.InvalidData, target),
        UnauthorizedAccessException => new(e, "ModelFileAccessDenied", ErrorCategory.PermissionDenied, target),
        ArgumentException => new(e, "InvalidArgument", ErrorCategory.InvalidArgument, target),
        IOException => new(e, "ModelFileReadError", ErrorCategory.ReadError, target),
        _ => new(e, "LlamaPSError", ErrorCategory.NotSpecified, target),
    };

    /// <summary>Whether the exception is one of the engine's expected failures (reported as errors, not crashes).</summary>
    public static bool IsExpected(Exception e) => e is IOException or GgufFormatException or UnsupportedModelException
        or TokenizerException or ContextLengthExceededException or InvalidDataException or UnauthorizedAccessException or ArgumentException
        or TemplateException;
}

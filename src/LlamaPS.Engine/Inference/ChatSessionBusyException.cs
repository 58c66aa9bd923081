namespace LlamaPS.Engine.Inference;

/// <summary>A chat turn was started while another turn of the same session was still running.</summary>
public sealed class ChatSessionBusyException() : InvalidOperationException(
    "The chat is already running a turn: a session takes one turn at a time. Wait for the reply, or start another chat.");

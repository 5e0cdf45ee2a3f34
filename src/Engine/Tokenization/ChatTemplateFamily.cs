namespace Reasoning.Engine.Tokenization;

/// <summary>
/// The chat format of a model. With a chat_template the engine renders the template itself (Jinja); without one it
/// writes the ChatML or Llama 3 format the vocabulary reveals in C#.
/// </summary>
public enum ChatTemplateFamily
{
    /// <summary>ChatML, used by Qwen: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c>.</summary>
    ChatMl,

    /// <summary>Llama 3: <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c> after BOS.</summary>
    Llama3,

    /// <summary>Another format: rendered only through the model's Jinja template (DeepSeek, the plain <c>role: text</c> form).</summary>
    Other,
}

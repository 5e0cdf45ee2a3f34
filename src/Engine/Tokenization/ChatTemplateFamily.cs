namespace Reasoning.Engine.Tokenization;

/// <summary>The chat formats the engine renders itself, without a Jinja interpreter.</summary>
public enum ChatTemplateFamily
{
    /// <summary>ChatML, used by Qwen: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c>.</summary>
    ChatMl,

    /// <summary>Llama 3: <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c> after BOS.</summary>
    Llama3,
}

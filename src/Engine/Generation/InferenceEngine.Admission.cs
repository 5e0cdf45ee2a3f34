using System.Threading.Channels;

namespace Reasoning.Engine.Generation;

// Admission: how submitted jobs become active rows, and the holds that make several of them start in one step.
public sealed partial class InferenceEngine
{
    /// <summary>
    /// Holds back new work until the returned hold is disposed, so that every generation submitted meanwhile enters
    /// the step loop in the same step (their prompts prefilled together, their decoding in lockstep) instead of one
    /// after another as they arrive. Work already running keeps stepping. Holds nest; keep one open only for the few
    /// calls that submit (a forgotten hold stalls new work, though cancelled work is still released).
    /// </summary>
    /// <example><code>
    /// Task&lt;GenerationResult&gt;[] all;
    /// using (engine.HoldSubmissions())
    ///     all = children.Select(c => c.GenerateToEndAsync([], options)).ToArray();
    /// var results = await Task.WhenAll(all);
    /// </code></example>
    public SubmissionHold HoldSubmissions()
    {
        lock (KvLock)
            _holds++;
        return new SubmissionHold(this);
    }

    internal void ReleaseHold()
    {
        lock (KvLock)
            _holds--;
        Wake();
    }

    // Moves submitted jobs into the active set unless a hold is open. Reading the channel under the lock that every
    // submission writes under makes a released hold's jobs arrive all together, never split across two steps.
    private void Admit(ChannelReader<GenerationJob> reader)
    {
        lock (KvLock)
        {
            while (reader.TryRead(out var job))
                _held.Add(job);
            if (_holds == 0)
            {
                _active.AddRange(_held);
                _held.Clear();
                return;
            }
            for (int i = _held.Count - 1; i >= 0; i--)
            {
                var job = _held[i];
                if (Abandoned(job))
                {
                    _held.RemoveAt(i);
                    FinishAbandoned(job);
                }
            }
        }
    }
}

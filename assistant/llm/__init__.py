"""What a real language model needs around it: tool calls written as text, bounded turns (a
deadline, a repetition guard), request options, and the models a server serves."""

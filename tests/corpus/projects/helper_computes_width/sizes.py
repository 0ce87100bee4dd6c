def rnn_output_size(hidden_size, bidirectional, proj_size=0):
    per_direction = proj_size if proj_size > 0 else hidden_size
    return per_direction * 2 if bidirectional else per_direction

class Config:
    def __init__(self):
        self.hidden = 8
        self.num_layers = 1
        self.dropout = 0.0

class Config:
    def __init__(self):
        self.hidden = 16
        self.num_layers = 3
        self.dropout = 0.4

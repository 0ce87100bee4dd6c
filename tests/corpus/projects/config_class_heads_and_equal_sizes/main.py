from config import Config
from model import Stack

model = Stack(Config())

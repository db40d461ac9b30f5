from testing_point import Point

transport = {
    "Point": {
        "encode": lambda value: isinstance(value, Point) and [value.x, value.y],
        "decode": lambda value: Point(*value),
    }
}
